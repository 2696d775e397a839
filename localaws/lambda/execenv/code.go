package execenv

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxUnzippedBytes is Lambda's limit on the unzipped deployment package (250 MB).
const maxUnzippedBytes = 262144000

// codeCache unpacks each deployment package once per CodeSha256.
type codeCache struct {
	mu sync.Mutex
	m  map[string]*codeEntry
}

// codeEntry is one unpacked package and what is known about its bootstrap.
type codeEntry struct {
	sha       string // hex SHA-256, the directory name
	dir       string
	bootstrap string
	mu        sync.Mutex // serialises the unpacking
	ready     bool
	missing   bool   // the package has no bootstrap
	machine   string // "x86_64", "arm64", another ELF machine, "script", or "unknown"
}

func (c *codeCache) prepare(stateDir string, fn Function) (*codeEntry, error) {
	sha, err := codeSHA(fn)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	e := c.m[sha]
	if e == nil {
		e = &codeEntry{sha: sha, dir: filepath.Join(stateDir, "code", sha)}
		e.bootstrap = filepath.Join(e.dir, "bootstrap")
		c.m[sha] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.ready {
		if err := e.unpack(fn.ZipPath); err != nil {
			return nil, err // not cached: a later invoke may find the package readable
		}
		e.inspect()
		e.ready = true
	}
	return e, nil
}

// layers unpacks a function's layer zips in order into one directory, Lambda's /opt,
// once per list of layers: a later layer's file replaces an earlier one's, as in Lambda.
func (c *codeCache) layers(stateDir string, zips []string) (string, error) {
	h := sha256.New()
	for _, z := range zips {
		sum, err := fileSHA(z)
		if err != nil {
			return "", err
		}
		h.Write([]byte(sum))
	}
	sha := hex.EncodeToString(h.Sum(nil))
	c.mu.Lock()
	e := c.m["opt/"+sha]
	if e == nil {
		e = &codeEntry{sha: sha, dir: filepath.Join(stateDir, "opt", sha)}
		c.m["opt/"+sha] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.ready {
		if err := e.unpack(zips...); err != nil {
			return "", err
		}
		e.ready = true
	}
	return e.dir, nil
}

// codeSHA turns the base64 CodeSha256 into a directory name, hashing the zip itself
// when the control plane gave none.
func codeSHA(fn Function) (string, error) {
	if sum, err := base64.StdEncoding.DecodeString(fn.CodeSHA256); err == nil && len(sum) == sha256.Size {
		return hex.EncodeToString(sum), nil
	}
	return fileSHA(fn.ZipPath)
}

// fileSHA is the hex SHA-256 of a file.
func fileSHA(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// unpack extracts the zips, in order, into a temporary directory and renames it into
// place, so a half-written directory is never used.
func (e *codeEntry) unpack(zipPaths ...string) error {
	if _, err := os.Stat(e.dir); err == nil {
		return nil // unpacked by an earlier run on the same state directory
	}
	parent := filepath.Dir(e.dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, e.sha+".tmp-")
	if err != nil {
		return err
	}
	for _, zipPath := range zipPaths {
		if err := extract(zipPath, tmp); err != nil {
			_ = os.RemoveAll(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, e.dir); err != nil {
		_ = os.RemoveAll(tmp)
		if _, statErr := os.Stat(e.dir); statErr == nil {
			return nil // another process won the race with the same content
		}
		return err
	}
	return nil
}

// extract unpacks zipPath into dir, refusing entries that would land outside it
// (zip-slip) and keeping the permission bits the zip recorded.
func extract(zipPath, dir string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	var total int64
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if name == "" {
			continue
		}
		if !filepath.IsLocal(name) {
			return fmt.Errorf("zip entry %q points outside the package", f.Name)
		}
		target := filepath.Join(dir, name)
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case mode&os.ModeSymlink != 0:
			if err := extractSymlink(f, name, target); err != nil {
				return err
			}
		default:
			n, err := extractFile(f, target, mode.Perm(), maxUnzippedBytes-total)
			if err != nil {
				return err
			}
			total += n
		}
	}
	return nil
}

func extractFile(f *zip.File, target string, perm os.FileMode, budget int64) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return 0, err
	}
	if perm == 0 {
		perm = 0o644 // zips made on Windows record no Unix mode
	}
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	_ = os.Remove(target) // an earlier layer's copy
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o200)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(rc, budget+1))
	if closeErr := out.Close(); err == nil {
		err = closeErr
	}
	if err == nil && n > budget {
		err = fmt.Errorf("unzipped size exceeds %d bytes", maxUnzippedBytes)
	}
	return n, err
}

// extractSymlink keeps links that stay inside the package (Lambda keeps symlinks).
func extractSymlink(f *zip.File, name, target string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	link, err := io.ReadAll(io.LimitReader(rc, 4096))
	if err != nil {
		return err
	}
	dest := filepath.FromSlash(string(link))
	if filepath.IsAbs(dest) || !filepath.IsLocal(filepath.Join(filepath.Dir(name), dest)) {
		return fmt.Errorf("zip entry %q links outside the package", f.Name)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	return os.Symlink(dest, target)
}

// inspect makes the bootstrap executable and reads what it was built for.
func (e *codeEntry) inspect() {
	info, err := os.Stat(e.bootstrap)
	if err != nil || !info.Mode().IsRegular() {
		e.missing = true
		return
	}
	_ = os.Chmod(e.bootstrap, info.Mode().Perm()|0o111)
	e.machine = binaryMachine(e.bootstrap)
}

func binaryMachine(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		head := make([]byte, 2)
		if r, err := os.Open(path); err == nil {
			_, _ = io.ReadFull(r, head)
			_ = r.Close()
		}
		if bytes.Equal(head, []byte("#!")) {
			return "script"
		}
		return "unknown"
	}
	defer f.Close()
	switch f.Machine {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_AARCH64:
		return "arm64"
	}
	return strings.TrimPrefix(f.Machine.String(), "EM_")
}

// hostArch is the host CPU in Lambda's Architectures vocabulary.
func hostArch() string {
	if runtime.GOARCH == "amd64" {
		return "x86_64"
	}
	return runtime.GOARCH
}

// goarch is the GOARCH that builds for a Lambda architecture.
func goarch(arch string) string {
	if arch == "x86_64" {
		return "amd64"
	}
	return arch
}

// problem explains why the bootstrap cannot run as fnArch on this host, in Lambda's
// words ("fork/exec ...: exec format error") followed by the fix; "" when it can.
func (e *codeEntry) problem(fnArch string) string {
	host := hostArch()
	execErr := fmt.Sprintf("fork/exec %s: exec format error", e.bootstrap)
	switch {
	case e.missing:
		return fmt.Sprintf("Couldn't find valid bootstrap(s): [%s]", e.bootstrap)
	case e.machine == "script":
		return ""
	case e.machine == "unknown":
		return execErr + fmt.Sprintf(" (localaws: the bootstrap is not a Linux executable: "+
			"build it with GOOS=linux GOARCH=%s)", goarch(host))
	case e.machine != host:
		return execErr + fmt.Sprintf(" (localaws: the bootstrap is a %s executable and this host is %s: "+
			"build the zip with ARCH=%s (GOOS=linux GOARCH=%s) and set architectures = [%s])",
			e.machine, host, goarch(host), goarch(host), strconv.Quote(host))
	case e.machine != fnArch:
		return execErr + fmt.Sprintf(" (localaws: the bootstrap is a %s executable but the function's "+
			"architectures are [%s]: set architectures = [%s] or build the zip with ARCH=%s)",
			e.machine, strconv.Quote(fnArch), strconv.Quote(e.machine), goarch(fnArch))
	}
	return ""
}

// maxMemoryMB is the peak resident memory of pid (VmHWM), 0 when unknown.
func maxMemoryMB(pid int) int { return (procStatusKB(pid, "VmHWM") + 1023) / 1024 }

// peakRefresh bounds how often REPORT lines read /proc: under load that read was a
// noticeable part of localaws's CPU, and a peak at most a second old is good enough.
const peakRefresh = time.Second

// peakMemory is an environment's VmHWM in MB, read at most once per peakRefresh.
type peakMemory struct {
	mb     int
	readAt time.Time
}

func (m *peakMemory) get(pid int, now time.Time) int {
	if m.readAt.IsZero() || now.Sub(m.readAt) >= peakRefresh {
		m.mb, m.readAt = max(m.mb, maxMemoryMB(pid)), now
	}
	return m.mb
}

// procStatusKB reads a kB field of /proc/<pid>/status, e.g. VmRSS; 0 when unknown.
func procStatusKB(pid int, field string) int {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				return 0
			}
			return kb
		}
	}
	return 0
}
