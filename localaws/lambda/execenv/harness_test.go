package execenv_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv/internal/testfn"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/logs"
)

// bootstrapBin is the testfn bootstrap, built once for the whole test binary because
// builds are slow; arm64Bin is the same file marked as an arm64 ELF executable.
var bootstrapBin, arm64Bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "execenv-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bootstrapBin = filepath.Join(dir, "bootstrap")
	build := exec.Command("go", "build", "-o", bootstrapBin, "./internal/testfn/bootstrap")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the test bootstrap: %v\n%s", err, out)
		os.Exit(1)
	}
	arm64Bin = filepath.Join(dir, "bootstrap-arm64")
	if err := writeWithMachine(bootstrapBin, arm64Bin, 183 /* EM_AARCH64 */); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// writeWithMachine copies an ELF file with another e_machine: what a GOARCH=arm64 build
// looks like to the header check, without a slow cross-compile of the whole toolchain.
func writeWithMachine(src, dst string, machine uint16) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint16(data[18:20], machine)
	return os.WriteFile(dst, data, 0o755)
}

// zipFile is one entry of a test deployment package.
type zipFile struct {
	name string
	data []byte
	mode os.FileMode
}

func makeZip(t testing.TB, files ...zipFile) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		// Stored, not deflated: compressing a 12 MB binary is slow under -race.
		h := &zip.FileHeader{Name: f.name, Method: zip.Store}
		h.SetMode(f.mode)
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = w.Write(f.data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	path := filepath.Join(t.TempDir(), "code.zip")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

// bootstrapZip packages a binary as "bootstrap" without its exec bit, as zips made on
// some systems do: the pool must set it.
func bootstrapZip(t testing.TB, bin string) string {
	t.Helper()
	data, err := os.ReadFile(bin)
	require.NoError(t, err)
	return makeZip(t, zipFile{name: "bootstrap", data: data, mode: 0o644},
		zipFile{name: "config/settings.json", data: []byte(`{"ok":true}`), mode: 0o644})
}

var (
	defaultZipOnce sync.Once
	defaultZipPath string
)

// defaultZip is the testfn package, zipped once.
func defaultZip(t testing.TB) string {
	defaultZipOnce.Do(func() {
		dir, err := os.MkdirTemp("", "execenv-zip-")
		require.NoError(t, err)
		data, err := os.ReadFile(bootstrapBin)
		require.NoError(t, err)
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		h := &zip.FileHeader{Name: "bootstrap", Method: zip.Store}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		defaultZipPath = filepath.Join(dir, "code.zip")
		require.NoError(t, os.WriteFile(defaultZipPath, buf.Bytes(), 0o644))
	})
	return defaultZipPath
}

func codeSHA(t testing.TB, zipPath string) string {
	t.Helper()
	data, err := os.ReadFile(zipPath)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// harness is a pool behind a real HTTP server that serves its Runtime API and, for the
// log shipping, the CloudWatch Logs service.
type harness struct {
	pool   *execenv.Pool
	faults *faults.Set
	env    *core.Env
	url    string
	warns  *testserver.LogBuffer
}

func newHarness(t testing.TB, clock core.Clock, opts ...execenv.Option) *harness {
	t.Helper()
	return newHarnessBehind(t, nil, clock, opts...)
}

// newHarnessBehind is newHarness with front, when set, wrapping the whole HTTP server.
func newHarnessBehind(t testing.TB, front func(http.Handler) http.Handler, clock core.Clock,
	opts ...execenv.Option) *harness {
	t.Helper()
	if clock == nil {
		clock = core.RealClock{}
	}
	h := &harness{warns: &testserver.LogBuffer{}, faults: faults.NewSet()}
	logger := slog.New(slog.NewTextHandler(h.warns, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h.env = &core.Env{Region: "us-east-1", Account: "000000000000", StateDir: t.TempDir(), Clock: clock,
		Logger: logger, BaseURL: func() string { return h.url }}
	mux := http.NewServeMux()
	h.pool = execenv.New(h.env, append([]execenv.Option{execenv.WithFaults(h.faults)}, opts...)...)
	h.pool.AdminRoutes(mux)
	mux.Handle("/", logs.New(h.env))
	var handler http.Handler = mux
	if front != nil {
		handler = front(mux)
	}
	srv := httptest.NewServer(handler)
	h.url = srv.URL
	t.Cleanup(func() {
		require.NoError(t, h.pool.Close())
		srv.Close()
		if t.Failed() && h.warns.String() != "" {
			t.Logf("pool warnings:\n%s", h.warns.String())
		}
	})
	return h
}

func (h *harness) function(t testing.TB, name string, mods ...func(*execenv.Function)) execenv.Function {
	zipPath := defaultZip(t)
	fn := execenv.Function{
		Name: name, ARN: "arn:aws:lambda:us-east-1:000000000000:function:" + name, Version: "$LATEST",
		CodeSHA256: codeSHA(t, zipPath), ZipPath: zipPath, Handler: "bootstrap", Runtime: "provided.al2023",
		Architecture: "x86_64", MemoryMB: 128, Timeout: 5 * time.Second, LogGroup: "/aws/lambda/" + name,
		ReservedConcurrency: -1, Env: map[string]string{"X": "x-of-" + name},
	}
	for _, m := range mods {
		m(&fn)
	}
	return fn
}

func (h *harness) invoke(t testing.TB, fn execenv.Function, tenant string, req testfn.Request) (execenv.Result, testfn.Response) {
	t.Helper()
	payload, err := json.Marshal(req)
	require.NoError(t, err)
	res, err := h.pool.Invoke(context.Background(), fn, tenant, core.NewUUID(), payload)
	require.NoError(t, err)
	var resp testfn.Response
	if res.FunctionError == "" {
		require.NoError(t, json.Unmarshal(res.Payload, &resp), "payload %s", res.Payload)
	}
	return res, resp
}

// functionError decodes an Unhandled payload.
type functionError struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

func decodeError(t testing.TB, res execenv.Result) functionError {
	t.Helper()
	require.Equal(t, "Unhandled", res.FunctionError, "payload %s", res.Payload)
	var fe functionError
	require.NoError(t, json.Unmarshal(res.Payload, &fe), "payload %s", res.Payload)
	return fe
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(data, ')')
	return i < 0 || i+2 >= len(data) || data[i+2] != 'Z'
}

// eventually polls cond for a few seconds: process exits and background log shipping
// happen in real time.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
