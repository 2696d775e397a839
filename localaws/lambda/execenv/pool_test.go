package execenv_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv/internal/testfn"
)

func TestTenantsGetTheirOwnEnvironments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "isolated")

	a1, ra1 := h.invoke(t, fn, "blue", testfn.Request{})
	a2, ra2 := h.invoke(t, fn, "blue", testfn.Request{})
	b1, rb1 := h.invoke(t, fn, "green", testfn.Request{})

	assert.Equal(t, ra1.PID, ra2.PID, "a tenant reuses its warm environment")
	assert.Equal(t, a1.EnvironmentID, a2.EnvironmentID)
	assert.NotEqual(t, ra1.PID, rb1.PID, "two tenants never share a process")
	assert.NotEqual(t, a1.EnvironmentID, b1.EnvironmentID)
	assert.Equal(t, "blue", ra1.Tenant, "Lambda-Runtime-Aws-Tenant-Id reaches lambdacontext.TenantID")
	assert.Equal(t, "green", rb1.Tenant)
	assert.True(t, a1.ColdStart)
	assert.Positive(t, a1.InitDuration)
	assert.False(t, a2.ColdStart)
	assert.Zero(t, a2.InitDuration)
	assert.Equal(t, "$LATEST", a1.ExecutedVersion)
	assert.Equal(t, "x-of-isolated", ra1.X, "the function's variables reach the process")
	assert.Equal(t, fn.ARN, ra1.InvokedARN)

	envDir := filepath.Join(h.env.StateDir, "envs", a1.EnvironmentID)
	assert.Equal(t, filepath.Join(envDir, "tmp"), ra1.TmpDir, "each environment has its own TMPDIR")
	assert.Equal(t, filepath.Join(envDir, "task"), ra1.Cwd, "each environment has its own working directory")
	assert.NotEqual(t, ra1.TmpDir, rb1.TmpDir)
	_, err := os.Stat(filepath.Join(ra1.Cwd, "bootstrap"))
	assert.NoError(t, err, "the code is visible in the working directory")

	rows := h.pool.Environments()
	require.Len(t, rows, 2)
	byTenant := map[string]execenv.EnvironmentInfo{}
	for _, r := range rows {
		byTenant[r.TenantID] = r
	}
	assert.Equal(t, ra1.PID, byTenant["blue"].PID)
	assert.Equal(t, 2, byTenant["blue"].Invocations)
	assert.Equal(t, rb1.PID, byTenant["green"].PID)
	assert.Equal(t, "idle", byTenant["green"].State)
	assert.Equal(t, "isolated", byTenant["green"].FunctionName)
}

func TestFunctionWithoutTenancySharesOneEnvironment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "shared")
	pids := map[int]bool{}
	for range 3 {
		_, resp := h.invoke(t, fn, "", testfn.Request{})
		pids[resp.PID] = true
		assert.Empty(t, resp.Tenant, "no tenant header without tenancy")
	}
	assert.Len(t, pids, 1)
	rows := h.pool.Environments()
	require.Len(t, rows, 1)
	assert.Empty(t, rows[0].TenantID)
	assert.Equal(t, 3, rows[0].Invocations)
}

func TestNewCodeGetsNewEnvironments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "updated")
	_, before := h.invoke(t, fn, "", testfn.Request{})
	fn.ZipPath = bootstrapZip(t, bootstrapBin)
	fn.CodeSHA256 = codeSHA(t, fn.ZipPath)
	_, after := h.invoke(t, fn, "", testfn.Request{})
	assert.NotEqual(t, before.PID, after.PID)
	_, err := os.Stat(filepath.Join(after.Cwd, "config", "settings.json"))
	assert.NoError(t, err, "every file of the package is unpacked")
}

func TestInvokeRejects(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	t.Run("a runtime localaws cannot run", func(t *testing.T) {
		fn := h.function(t, "java", func(f *execenv.Function) { f.Runtime = "java21" })
		_, err := h.pool.Invoke(context.Background(), fn, "", "", []byte(`{}`))
		var re *execenv.InvalidRuntimeError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "java21", re.Runtime)
	})
	t.Run("a function without the fields the control plane sets", func(t *testing.T) {
		fn := h.function(t, "bare", func(f *execenv.Function) { f.Timeout, f.LogGroup = 0, "" })
		_, err := h.pool.Invoke(context.Background(), fn, "", "", []byte(`{}`))
		assert.EqualError(t, err, "execenv: function bare is incomplete: LogGroup, Timeout unset")
	})
	assert.Empty(t, h.pool.Environments(), "nothing was started")
}

func TestConcurrentInvokesOfOneTenantStartMoreEnvironments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "busy")
	var wg sync.WaitGroup
	pids := make([]int, 2)
	for i := range pids {
		wg.Go(func() {
			_, resp := h.invoke(t, fn, "blue", testfn.Request{Action: "sleep", SleepMS: 400})
			pids[i] = resp.PID
		})
	}
	wg.Wait()
	assert.NotEqual(t, pids[0], pids[1], "a busy environment is never given a second invocation")
	for _, r := range h.pool.Environments() {
		assert.Equal(t, "blue", r.TenantID)
	}
}

func TestThrottling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []execenv.Option
		reserved int
		reason   execenv.ThrottleReason
	}{
		{"reserved concurrency", nil, 1, execenv.FunctionLimit},
		{"account concurrency", []execenv.Option{execenv.WithMaxConcurrency(1)}, -1, execenv.AccountLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil, tc.opts...)
			fn := h.function(t, "limited", func(f *execenv.Function) { f.ReservedConcurrency = tc.reserved })
			started := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				close(started)
				h.invoke(t, fn, "", testfn.Request{Action: "sleep", SleepMS: 1500})
			}()
			<-started
			eventually(t, "the first invocation runs", func() bool { return len(h.pool.Environments()) == 1 })
			_, err := h.pool.Invoke(context.Background(), fn, "", "", []byte(`{}`))
			var te *execenv.ThrottledError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.reason, te.Reason)
			<-done
			h.invoke(t, fn, "", testfn.Request{}) // capacity is back once the first one ends
		})
	}
	t.Run("reserved concurrency of zero throttles everything", func(t *testing.T) {
		h := newHarness(t, nil)
		fn := h.function(t, "off", func(f *execenv.Function) { f.ReservedConcurrency = 0 })
		_, err := h.pool.Invoke(context.Background(), fn, "", "", []byte(`{}`))
		var te *execenv.ThrottledError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, execenv.FunctionLimit, te.Reason)
	})
}

func TestTimeoutKillsTheEnvironment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "slow", func(f *execenv.Function) { f.Timeout = 500 * time.Millisecond })
	_, warm := h.invoke(t, fn, "blue", testfn.Request{})

	reqID := core.NewUUID()
	start := time.Now()
	res, err := h.pool.Invoke(context.Background(), fn, "blue", reqID, []byte(`{"action":"sleep","sleep_ms":10000}`))
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "the invoke ends at the timeout, not when the handler would")
	fe := decodeError(t, res)
	assert.Equal(t, "Sandbox.Timedout", fe.ErrorType)
	assert.Equal(t, "RequestId: "+reqID+" Error: Task timed out after 0.50 seconds", fe.ErrorMessage)
	eventually(t, "the timed-out process is gone", func() bool { return !alive(warm.PID) })

	_, fresh := h.invoke(t, fn, "blue", testfn.Request{})
	assert.NotEqual(t, warm.PID, fresh.PID, "a timed-out environment is never reused")
	assert.Equal(t, "blue", fresh.Tenant)
}

func TestDeadlineReachesTheHandler(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "deadline", func(f *execenv.Function) { f.Timeout = 7 * time.Second })
	before := time.Now()
	_, resp := h.invoke(t, fn, "", testfn.Request{})
	assert.WithinDuration(t, before.Add(7*time.Second), resp.Deadline, time.Second)
}

func TestFunctionFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		req       testfn.Request
		errorType string
		message   string
		sameEnv   bool // whether the next invocation reuses the environment
	}{
		{"crash is Runtime.ExitError", testfn.Request{Action: "exit"}, "Runtime.ExitError",
			"Error: Runtime exited with error: exit status 3", false},
		{"panic is reported then the environment is replaced", testfn.Request{Action: "panic", Text: "boom"},
			"string", "boom", false},
		{"handler error keeps the environment", testfn.Request{Action: "error", Text: "bad input"},
			"errorString", "bad input", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			fn := h.function(t, "failing")
			_, warm := h.invoke(t, fn, "blue", testfn.Request{})
			res, _ := h.invoke(t, fn, "blue", tc.req)
			fe := decodeError(t, res)
			assert.Equal(t, tc.errorType, fe.ErrorType)
			assert.Contains(t, fe.ErrorMessage, tc.message)
			next, resp := h.invoke(t, fn, "blue", testfn.Request{})
			require.Empty(t, next.FunctionError, "the next invocation succeeds: %s", next.Payload)
			assert.Equal(t, tc.sameEnv, warm.PID == resp.PID, "environment reuse")
			if !tc.sameEnv {
				assert.False(t, alive(warm.PID))
			}
		})
	}
}

func TestInitFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		env       map[string]string
		errorType string
		message   string
	}{
		{"posted init error is returned", map[string]string{"TESTFN_INIT_ERROR": "missing TABLE_NAME"},
			"Runtime.TestInitError", "missing TABLE_NAME"},
		{"exit during init is Runtime.ExitError", map[string]string{"TESTFN_INIT_EXIT": "1"},
			"Runtime.ExitError", "Runtime exited with error: exit status 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			fn := h.function(t, "broken", func(f *execenv.Function) { f.Env = tc.env })
			res, _ := h.invoke(t, fn, "", testfn.Request{})
			fe := decodeError(t, res)
			assert.Equal(t, tc.errorType, fe.ErrorType)
			assert.Contains(t, fe.ErrorMessage, tc.message)
			assert.True(t, res.ColdStart)
			eventually(t, "the failed environment is discarded", func() bool { return len(h.pool.Environments()) == 0 })
		})
	}
}

func TestBootstrapThatCannotRun(t *testing.T) {
	t.Parallel()
	garbage := makeZip(t, zipFile{name: "bootstrap", data: []byte("\xcf\xfa\xed\xfe not an ELF file"), mode: 0o755})
	tests := []struct {
		name     string
		zip      string
		arch     string
		contains []string
	}{
		{"arm64 bootstrap on this host", bootstrapZip(t, arm64Bin), "arm64",
			[]string{"exec format error", "ARCH=amd64", `architectures = ["x86_64"]`}},
		{"arm64 bootstrap declared x86_64", bootstrapZip(t, arm64Bin), "x86_64",
			[]string{"exec format error", "ARCH=amd64", `architectures = ["x86_64"]`}},
		{"x86_64 bootstrap declared arm64", bootstrapZip(t, bootstrapBin), "arm64",
			[]string{"exec format error", `architectures = ["x86_64"]`}},
		{"not a Linux executable", garbage, "x86_64", []string{"exec format error", "GOOS=linux"}},
		{"no bootstrap in the package", makeZip(t, zipFile{name: "main", data: []byte("x"), mode: 0o755}), "x86_64",
			[]string{"Couldn't find valid bootstrap(s)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			fn := h.function(t, "wrongarch", func(f *execenv.Function) {
				f.ZipPath, f.CodeSHA256, f.Architecture = tc.zip, codeSHA(t, tc.zip), tc.arch
			})
			reqID := core.NewUUID()
			res, err := h.pool.Invoke(context.Background(), fn, "", reqID, []byte(`{}`))
			require.NoError(t, err)
			fe := decodeError(t, res)
			assert.Equal(t, "Runtime.InvalidEntrypoint", fe.ErrorType)
			assert.True(t, strings.HasPrefix(fe.ErrorMessage, "RequestId: "+reqID+" Error: "), fe.ErrorMessage)
			for _, s := range tc.contains {
				assert.Contains(t, fe.ErrorMessage, s)
			}
			assert.Empty(t, h.pool.Environments())
		})
	}
}

func TestZipSlipIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	outside := filepath.Join(h.env.StateDir, "code", "evil")
	zipPath := makeZip(t, zipFile{name: "bootstrap", data: []byte("#!/bin/sh\n"), mode: 0o755},
		zipFile{name: "../evil", data: []byte("owned"), mode: 0o644})
	fn := h.function(t, "slip", func(f *execenv.Function) { f.ZipPath, f.CodeSHA256 = zipPath, codeSHA(t, zipPath) })
	_, err := h.pool.Invoke(context.Background(), fn, "", "", []byte(`{}`))
	var pe *execenv.PackageError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "slip", pe.Function)
	assert.ErrorContains(t, pe, "points outside the package")
	assert.NoFileExists(t, outside)
}

func TestOversizedResponse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "big")
	res, _ := h.invoke(t, fn, "", testfn.Request{Action: "big", Size: 7 << 20})
	fe := decodeError(t, res)
	assert.Equal(t, "Function.ResponseSizeTooLarge", fe.ErrorType)
	_, resp := h.invoke(t, fn, "", testfn.Request{Action: "big", Size: 1 << 20})
	assert.Len(t, resp.Blob, 1<<20, "a response under the limit passes")
}

func TestEnvironmentVariables(t *testing.T) {
	h := newHarness(t, nil)
	t.Setenv("LOCALAWS_HOST_SECRET", "must-not-leak")
	fn := h.function(t, "envfn", func(f *execenv.Function) {
		f.Env = map[string]string{"X": "1", "AWS_REGION": "eu-west-1", "TMPDIR": "/tmp"}
		f.MemoryMB = 256
	})
	res, resp := h.invoke(t, fn, "blue", testfn.Request{Action: "env"})
	env := resp.Env
	dir := filepath.Join(h.env.StateDir, "envs", res.EnvironmentID)
	host := strings.TrimPrefix(h.url, "http://")
	want := map[string]string{
		"X":                               "1",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"AWS_LAMBDA_RUNTIME_API":          host + "/_localaws/runtime/" + res.EnvironmentID,
		"AWS_LAMBDA_FUNCTION_NAME":        "envfn",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/envfn",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_EXECUTION_ENV":               "AWS_Lambda_provided.al2023",
		"AWS_ENDPOINT_URL":                h.url,
		"_HANDLER":                        "bootstrap",
		"LAMBDA_TASK_ROOT":                filepath.Join(dir, "task"),
		"TMPDIR":                          filepath.Join(dir, "tmp"),
		"HOME":                            dir,
		"TZ":                              ":UTC",
		"LANG":                            "en_US.UTF-8",
		"PATH":                            "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
	}
	for k, v := range want {
		assert.Equal(t, v, env[k], k)
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		assert.NotEmpty(t, env[k], k)
	}
	assert.Regexp(t, `^\d{4}/\d{2}/\d{2}/\[\$LATEST\]`+res.EnvironmentID+`$`, env["AWS_LAMBDA_LOG_STREAM_NAME"])
	assert.Regexp(t, `^[0-9a-f]{32}$`, res.EnvironmentID)
	allowed := map[string]bool{"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
		"AWS_LAMBDA_LOG_STREAM_NAME": true, "_X_AMZN_TRACE_ID": true}
	for k := range env {
		assert.True(t, allowed[k] || want[k] != "", "unexpected variable %s (host environment leaked?)", k)
	}
}

func TestCloseLeavesNoProcessBehind(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "spawner")
	var pids []int
	for _, tenant := range []string{"a", "b", "c"} {
		_, resp := h.invoke(t, fn, tenant, testfn.Request{Action: "spawn"})
		require.True(t, alive(resp.ChildPID), "the handler started a child process")
		pids = append(pids, resp.PID, resp.ChildPID)
	}
	busy := make(chan struct{})
	go func() {
		defer close(busy)
		_, _ = h.pool.Invoke(context.Background(), fn, "d", "", []byte(`{"action":"sleep","sleep_ms":30000}`))
	}()
	eventually(t, "a busy environment exists", func() bool { return len(h.pool.Environments()) == 4 })
	for _, r := range h.pool.Environments() {
		pids = append(pids, r.PID)
	}
	require.NoError(t, h.pool.Close())
	for _, pid := range pids {
		assert.False(t, alive(pid), "process %d survived Close", pid)
	}
	select {
	case <-busy:
	case <-time.After(5 * time.Second):
		t.Fatal("an invoke in flight did not return after Close")
	}
	_, err := h.pool.Invoke(context.Background(), fn, "a", "", []byte(`{}`))
	assert.ErrorIs(t, err, execenv.ErrShuttingDown)
}

func TestIdleEnvironmentsAreReaped(t *testing.T) {
	t.Parallel()
	clock := core.NewFakeClock(time.Now())
	h := newHarness(t, clock, execenv.WithIdleTTL(time.Minute))
	fn := h.function(t, "idle")
	_, resp := h.invoke(t, fn, "blue", testfn.Request{})
	clock.Advance(30 * time.Second) // first reaper tick: not idle long enough
	_, again := h.invoke(t, fn, "blue", testfn.Request{})
	require.Equal(t, resp.PID, again.PID)

	clock.Advance(2 * time.Minute)
	eventually(t, "the idle environment is reaped", func() bool { return len(h.pool.Environments()) == 0 })
	eventually(t, "its process is gone", func() bool { return !alive(resp.PID) })
	_, fresh := h.invoke(t, fn, "blue", testfn.Request{})
	assert.NotEqual(t, resp.PID, fresh.PID)
}

func TestDrainStopsTheFunctionsEnvironments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "drained")
	other := h.function(t, "kept")
	_, a := h.invoke(t, fn, "blue", testfn.Request{})
	_, b := h.invoke(t, fn, "green", testfn.Request{})
	_, kept := h.invoke(t, other, "", testfn.Request{})
	h.pool.Drain("drained")
	eventually(t, "drained processes are gone", func() bool { return !alive(a.PID) && !alive(b.PID) })
	assert.True(t, alive(kept.PID), "other functions keep their environments")
	_, fresh := h.invoke(t, fn, "blue", testfn.Request{})
	assert.NotEqual(t, a.PID, fresh.PID)
}

func TestCancelledCallerDoesNotStopTheInvocation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "detached")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := h.pool.Invoke(ctx, fn, "", "", []byte(`{"action":"sleep","sleep_ms":600}`))
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	eventually(t, "the invocation finishes and the environment is idle again", func() bool {
		rows := h.pool.Environments()
		return len(rows) == 1 && rows[0].State == "idle" && rows[0].Invocations == 1
	})
}

func TestRuntimeAPIRejectsUnknownCallers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	tests := []struct {
		name, method, path string
		status             int
		errorType          string
	}{
		{"unknown environment", http.MethodGet, "/_localaws/runtime/0123/2018-06-01/runtime/invocation/next",
			http.StatusNotFound, "EnvironmentNotFound"},
		{"unknown path", http.MethodGet, "/_localaws/runtime/0123/2020-01-01/extension/register",
			http.StatusNotFound, "InvalidRequest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, h.url+tc.path, nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			var body map[string]string
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Equal(t, tc.errorType, body["errorType"])
			assert.NotEmpty(t, body["errorMessage"])
		})
	}
}

var reportLine = regexp.MustCompile(`^REPORT RequestId: (\S+)\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\t` +
	`Memory Size: 128 MB\tMax Memory Used: \d+ MB\t(Init Duration: [\d.]+ ms\t)?`)

func TestLogFileHasPlatformLines(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "logged")
	first, _ := h.invoke(t, fn, "", testfn.Request{Action: "print", Text: "hello from the handler"})
	h.invoke(t, fn, "", testfn.Request{})
	path := filepath.Join(h.env.StateDir, "envs", first.EnvironmentID, "output.log")
	var lines []string
	eventually(t, "the handler output is in the log file", func() bool {
		data, _ := os.ReadFile(path)
		lines = strings.Split(strings.TrimSpace(string(data)), "\n")
		return strings.Contains(string(data), "hello from the handler on stderr") && len(lines) >= 7
	})
	assert.Regexp(t, `^START RequestId: \S+ Version: \$LATEST$`, lines[0])
	assert.Contains(t, lines, "hello from the handler")
	firstID := strings.Fields(lines[0])[2]
	end := indexOf(lines, "END RequestId: "+firstID)
	require.Positive(t, end)
	assert.Less(t, indexOf(lines, "hello from the handler on stderr"), end,
		"what the handler printed is logged before its END line")
	var reports []string
	for _, l := range lines {
		if strings.HasPrefix(l, "REPORT") {
			reports = append(reports, l)
		}
	}
	require.Len(t, reports, 2)
	assert.Regexp(t, reportLine, reports[0])
	assert.Contains(t, reports[0], "Init Duration:", "a cold start reports its init duration")
	assert.NotContains(t, reports[1], "Init Duration:", "a warm start does not")
}

func TestPlatformFailuresAreLogged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		want    []string // regular expressions, in order
	}{
		{"timeout", `{"action":"sleep","sleep_ms":5000}`, []string{
			`^\d{4}-\d{2}-\d{2}T[\d:.]+Z {{id}} Task timed out after 0\.\d\d seconds$`,
			`^END RequestId: {{id}}$`,
			`^REPORT RequestId: {{id}}\t.*\tStatus: timeout$`,
		}},
		{"crash", `{"action":"exit"}`, []string{
			`^END RequestId: {{id}}$`,
			`^REPORT RequestId: {{id}}\t.*\tStatus: error\tError Type: Runtime.ExitError$`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			fn := h.function(t, "failing", func(f *execenv.Function) { f.Timeout = 300 * time.Millisecond })
			id := core.NewUUID()
			res, err := h.pool.Invoke(context.Background(), fn, "", id, []byte(tc.payload))
			require.NoError(t, err)
			require.Equal(t, "Unhandled", res.FunctionError)
			path := filepath.Join(h.env.StateDir, "envs", res.EnvironmentID, "output.log")
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			require.GreaterOrEqual(t, len(lines), len(tc.want))
			tail := lines[len(lines)-len(tc.want):]
			for i, w := range tc.want {
				assert.Regexp(t, strings.ReplaceAll(w, "{{id}}", id), tail[i])
			}
		})
	}
}

func TestJSONLogFormatCarriesTheTenant(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "jsonlogs", func(f *execenv.Function) { f.LogFormat = "JSON" })
	res, resp := h.invoke(t, fn, "blue", testfn.Request{Action: "env"})
	assert.Equal(t, "JSON", resp.Env["AWS_LAMBDA_LOG_FORMAT"])
	path := filepath.Join(h.env.StateDir, "envs", res.EnvironmentID, "output.log")
	var events []map[string]any
	eventually(t, "platform events are logged", func() bool {
		data, _ := os.ReadFile(path)
		events = nil
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var ev map[string]any
			if json.Unmarshal([]byte(l), &ev) == nil && ev["type"] != nil {
				events = append(events, ev)
			}
		}
		return len(events) == 2
	})
	assert.Equal(t, "platform.start", events[0]["type"])
	assert.Equal(t, "platform.report", events[1]["type"])
	for _, ev := range events {
		rec := ev["record"].(map[string]any)
		assert.Equal(t, "blue", rec["tenantId"])
	}
	assert.Equal(t, "success", events[1]["record"].(map[string]any)["status"])
}

func indexOf(lines []string, s string) int {
	for i, l := range lines {
		if l == s {
			return i
		}
	}
	return -1
}
