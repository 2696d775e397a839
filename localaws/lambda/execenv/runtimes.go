package execenv

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Managed runtimes: python3.x and nodejs* functions run on the host's interpreter with a
// runtime interface client of this package's own (clients/), which speaks the Runtime API
// as AWS's clients do. The interpreter matching the runtime is preferred (python3.12 for
// python3.12, node22 for nodejs22.x), else the host's python3 or node. A different
// version runs with one warning per function; only a missing interpreter, or one older
// than the client needs, refuses the function.

//go:embed clients/python_runtime.py clients/node_runtime.mjs
var clients embed.FS

// language is what a family of managed runtimes needs from the host.
type language struct {
	family   string // "python" or "nodejs"
	generic  string // the interpreter to fall back on
	client   string // the runtime client in clients/
	probe    []string
	minimum  [2]int // oldest interpreter the client runs on
	display  string // "Python", "Node.js"
	packages string // how to install it on Debian or Ubuntu
}

var languages = map[string]language{
	"python": {family: "python", generic: "python3", client: "clients/python_runtime.py",
		probe:   []string{"-c", "import sys; print('%d.%d.%d' % sys.version_info[:3]); print(sys.executable)"},
		minimum: [2]int{3, 9}, display: "Python", packages: "apt-get install python3"},
	"nodejs": {family: "nodejs", generic: "node", client: "clients/node_runtime.mjs",
		probe:   []string{"-p", "process.versions.node + '\\n' + process.execPath"},
		minimum: [2]int{18, 0}, display: "Node.js", packages: "apt-get install nodejs"},
}

var managedRuntime = regexp.MustCompile(`^(python)(\d+)\.(\d+)$|^(nodejs)(\d+)\.x$`)

// runtimeVersion is a managed runtime's language and version: python3.12 is Python 3.12,
// nodejs22.x is Node.js 22 (minor -1: any).
type runtimeVersion struct {
	lang         language
	major, minor int
}

// parseManaged reads a python3.x or nodejs<N>.x runtime; ok is false for anything else.
func parseManaged(runtime string) (runtimeVersion, bool) {
	m := managedRuntime.FindStringSubmatch(runtime)
	switch {
	case m == nil:
		return runtimeVersion{}, false
	case m[1] != "":
		major, _ := strconv.Atoi(m[2])
		minor, _ := strconv.Atoi(m[3])
		return runtimeVersion{lang: languages["python"], major: major, minor: minor}, true
	default:
		major, _ := strconv.Atoi(m[5])
		return runtimeVersion{lang: languages["nodejs"], major: major, minor: -1}, true
	}
}

// preferred is the interpreter named for exactly this version: python3.12, node22.
func (v runtimeVersion) preferred() string {
	if v.lang.family == "python" {
		return fmt.Sprintf("python%d.%d", v.major, v.minor)
	}
	return fmt.Sprintf("node%d", v.major)
}

func (v runtimeVersion) String() string {
	if v.minor < 0 {
		return fmt.Sprintf("%s %d", v.lang.display, v.major)
	}
	return fmt.Sprintf("%s %d.%d", v.lang.display, v.major, v.minor)
}

// interpreter is a host binary that runs a managed runtime, and its version.
type interpreter struct {
	runtime string
	want    runtimeVersion
	path    string
	version string // "3.11.2"
	major   int
	minor   int
	client  string // the runtime client's path on disk
}

// matches reports whether the interpreter is the runtime's version, at the precision
// the runtime names (major.minor for Python, major for Node.js).
func (in *interpreter) matches() bool {
	return in.major == in.want.major && (in.want.minor < 0 || in.minor == in.want.minor)
}

// interpreters finds, probes and caches the interpreter of each managed runtime, and
// remembers which functions were warned about a version mismatch.
type interpreters struct {
	stateDir string
	lookPath func(string) (string, error)

	mu      sync.Mutex
	found   map[string]*interpreter // by runtime
	clients map[string]string       // runtime client file by embedded name
	warned  map[string]bool         // by function name
}

func newInterpreters(stateDir string) *interpreters {
	return &interpreters{stateDir: stateDir, lookPath: exec.LookPath, found: map[string]*interpreter{},
		clients: map[string]string{}, warned: map[string]bool{}}
}

// resolve returns the interpreter of a managed runtime, or nil for a provided.* one.
// Its error is an *InvalidRuntimeError that names the missing binary and its install.
// Failures are not cached, so installing the interpreter fixes the next invoke.
func (s *interpreters) resolve(runtime string) (*interpreter, error) {
	want, ok := parseManaged(runtime)
	if !ok {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.found[runtime]; in != nil {
		return in, nil
	}
	in, err := s.find(runtime, want)
	if err != nil {
		return nil, err
	}
	if in.client, err = s.writeClient(want.lang.client); err != nil {
		return nil, err
	}
	s.found[runtime] = in
	return in, nil
}

func (s *interpreters) find(runtime string, want runtimeVersion) (*interpreter, error) {
	var tooOld *interpreter
	for _, name := range []string{want.preferred(), want.lang.generic} {
		path, err := s.lookPath(name)
		if err != nil {
			continue
		}
		in, err := probe(path, want.lang)
		if err != nil {
			continue // a shim or a broken install: try the next name
		}
		in.runtime, in.want = runtime, want
		if in.major < want.lang.minimum[0] || in.major == want.lang.minimum[0] && in.minor < want.lang.minimum[1] {
			tooOld = in
			continue
		}
		return in, nil
	}
	lang := want.lang
	if tooOld != nil {
		return nil, &InvalidRuntimeError{Runtime: runtime, Reason: fmt.Sprintf(
			"%s %s is %s %s, older than the %d.%d localaws's runtime client needs: install %s or newer "+
				"(%s, or a %s binary on PATH) and invoke again",
			lang.display, tooOld.path, lang.display, tooOld.version, lang.minimum[0], lang.minimum[1], want,
			lang.packages, want.preferred())}
	}
	return nil, &InvalidRuntimeError{Runtime: runtime, Reason: fmt.Sprintf(
		"no %s interpreter on this host: neither %s nor %s runs from PATH; install %s (%s, or a %s binary on PATH) "+
			"and invoke again", lang.display, want.preferred(), lang.generic, want, lang.packages, want.preferred())}
}

// probe runs the interpreter to read its version and the binary that really runs, so
// that a wrapper such as a version manager's shim is not started for every environment.
func probe(path string, lang language) (*interpreter, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, lang.probe...).Output()
	if err != nil {
		return nil, err
	}
	version, executable, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if executable = strings.TrimSpace(executable); filepath.IsAbs(executable) {
		path = executable
	}
	version = strings.TrimPrefix(strings.TrimSpace(version), "v")
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return nil, fmt.Errorf("unexpected version %q", version)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("unexpected version %q", version)
	}
	return &interpreter{path: path, version: version, major: major, minor: minor}, nil
}

// writeClient puts an embedded runtime client on disk once, under a name that changes
// with its content, so that a newer localaws never runs an older copy.
func (s *interpreters) writeClient(name string) (string, error) {
	if path := s.clients[name]; path != "" {
		return path, nil
	}
	data, err := clients.ReadFile(name)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	dir := filepath.Join(s.stateDir, "runtime", hex.EncodeToString(sum[:8]))
	path := filepath.Join(dir, filepath.Base(name))
	if _, err := os.Stat(path); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("execenv: runtime client: %w", err)
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return "", fmt.Errorf("execenv: runtime client: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return "", fmt.Errorf("execenv: runtime client: %w", err)
		}
	}
	s.clients[name] = path
	return path, nil
}

// warnOnce reports whether fn has not yet been warned about in's version.
func (s *interpreters) warnOnce(fn string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.warned[fn] {
		return false
	}
	s.warned[fn] = true
	return true
}

// command is how an environment of in starts: the interpreter running the client.
func (in *interpreter) command() []string {
	if in.want.lang.family == "python" {
		return []string{in.path, "-u", in.client}
	}
	return []string{in.path, in.client}
}

// environ adds what Lambda's managed runtimes set: the module search paths of the task
// root and of the layers under opt (Lambda's /opt), and LAMBDA_RUNTIME_DIR.
func (in *interpreter) environ(vars map[string]string, task, opt string) {
	runtimeDir := filepath.Dir(in.client)
	vars["LAMBDA_RUNTIME_DIR"] = runtimeDir
	if in.want.lang.family == "python" {
		vars["PYTHONPATH"] = strings.Join([]string{
			filepath.Join(opt, "python", "lib", fmt.Sprintf("python%d.%d", in.major, in.minor), "site-packages"),
			filepath.Join(opt, "python"),
		}, ":")
		// Lambda's task root is read-only, so nothing writes bytecode into the shared code.
		vars["PYTHONDONTWRITEBYTECODE"] = "1"
		return
	}
	vars["NODE_PATH"] = strings.Join([]string{
		filepath.Join(opt, "nodejs", fmt.Sprintf("node%d", in.want.major), "node_modules"),
		filepath.Join(opt, "nodejs", "node_modules"),
		filepath.Join(runtimeDir, "node_modules"), runtimeDir, task,
	}, ":")
}

// initLine is the platform's INIT_START line, naming the interpreter that runs the function.
func (in *interpreter) initLine() string {
	return fmt.Sprintf("INIT_START Runtime Version: %s\tInterpreter: %s (%s %s)",
		in.runtime, in.path, in.want.lang.display, in.version)
}
