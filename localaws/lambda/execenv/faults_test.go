package execenv_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv/internal/testfn"
)

func (h *harness) setFaults(t testing.TB, fn string, c faults.Config) {
	t.Helper()
	_, err := h.faults.Put(fn, c)
	require.NoError(t, err)
}

func (h *harness) faultStats(t testing.TB, fn string) faults.Stats {
	t.Helper()
	e, ok := h.faults.Get(fn)
	require.True(t, ok)
	return e.Stats
}

func seed(n int64) *int64 { return &n }

func TestInjectedErrorDoesNotRunTheHandler(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "flaky")
	_, warm := h.invoke(t, fn, "blue", testfn.Request{})
	h.setFaults(t, "flaky", faults.Config{ErrorRate: 1})

	// The handler would exit; the injected error answers instead of it.
	res, _ := h.invoke(t, fn, "blue", testfn.Request{Action: "exit"})
	fe := decodeError(t, res)
	assert.Equal(t, "localaws.InjectedFault", fe.ErrorType)
	assert.True(t, strings.HasPrefix(fe.ErrorMessage, "injected fault: "), fe.ErrorMessage)
	assert.Contains(t, fe.ErrorMessage, "flaky")

	h.faults.Delete("flaky")
	_, after := h.invoke(t, fn, "blue", testfn.Request{})
	assert.Equal(t, warm.PID, after.PID, "the environment served the injected error and stays warm")

	data, err := os.ReadFile(filepath.Join(h.env.StateDir, "envs", res.EnvironmentID, "output.log"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "START RequestId:", "the injected invocation is logged like any other")
	assert.Regexp(t, `REPORT RequestId: \S+\tDuration: [\d.]+ ms`, string(data))
}

func TestInjectedThrottleUsesNoEnvironment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "throttled")
	h.setFaults(t, "throttled", faults.Config{ThrottleRate: 1})
	_, err := h.pool.Invoke(context.Background(), fn, "", "", []byte(`{}`))
	var te *execenv.ThrottledError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, execenv.InjectedThrottle, te.Reason)
	assert.Empty(t, h.pool.Environments(), "a throttled invocation starts nothing")
	assert.Equal(t, faults.Stats{Invocations: 1, Throttles: 1}, h.faultStats(t, "throttled"))
}

func TestInjectedLatency(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "slow", func(f *execenv.Function) { f.Timeout = 2 * time.Second })
	warm, _ := h.invoke(t, fn, "", testfn.Request{})
	require.Less(t, warm.Duration, 300*time.Millisecond, "the baseline is fast")

	h.setFaults(t, "slow", faults.Config{LatencyMS: 400})
	before := time.Now()
	res, resp := h.invoke(t, fn, "", testfn.Request{})
	require.Empty(t, res.FunctionError, "payload %s", res.Payload)
	assert.GreaterOrEqual(t, time.Since(before), 400*time.Millisecond)
	assert.GreaterOrEqual(t, res.Duration, 400*time.Millisecond, "the latency is part of the invocation's duration")
	assert.WithinDuration(t, before.Add(2*time.Second), resp.Deadline, 200*time.Millisecond,
		"the handler's deadline counts from before the latency")
	assert.Equal(t, faults.Stats{Invocations: 1, Delayed: 1}, h.faultStats(t, "slow"))

	t.Run("counts towards the timeout", func(t *testing.T) {
		h.setFaults(t, "slow", faults.Config{LatencyMS: 2500})
		res, _ := h.invoke(t, fn, "", testfn.Request{})
		fe := decodeError(t, res)
		assert.Equal(t, "Sandbox.Timedout", fe.ErrorType)
		assert.Contains(t, fe.ErrorMessage, "Task timed out after 2.00 seconds")
	})
}

func TestInjectedTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "hung", func(f *execenv.Function) { f.Timeout = 500 * time.Millisecond })
	_, warm := h.invoke(t, fn, "blue", testfn.Request{})
	h.setFaults(t, "hung", faults.Config{TimeoutRate: 1})

	reqID := core.NewUUID()
	res, err := h.pool.Invoke(context.Background(), fn, "blue", reqID, []byte(`{}`))
	require.NoError(t, err)
	fe := decodeError(t, res)
	assert.Equal(t, "Sandbox.Timedout", fe.ErrorType)
	assert.Equal(t, "RequestId: "+reqID+" Error: Task timed out after 0.50 seconds", fe.ErrorMessage)
	assert.GreaterOrEqual(t, res.Duration, 500*time.Millisecond)
	eventually(t, "the timed-out environment is discarded", func() bool { return !alive(warm.PID) })
	assert.Equal(t, faults.Stats{Invocations: 1, Timeouts: 1}, h.faultStats(t, "hung"))

	h.faults.Delete("hung")
	_, fresh := h.invoke(t, fn, "blue", testfn.Request{})
	assert.NotEqual(t, warm.PID, fresh.PID)
}

func TestInjectedKill(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "killed")
	h.setFaults(t, "killed", faults.Config{Kill: &faults.Kill{Count: 1, AfterMS: 300}})

	// Invocations that finish before the kill is due do not use it up.
	var first testfn.Response
	for i := range 3 {
		res, resp := h.invoke(t, fn, "blue", testfn.Request{})
		require.Empty(t, res.FunctionError, "payload %s", res.Payload)
		if i == 0 {
			first = resp
		}
		assert.Equal(t, first.PID, resp.PID)
	}
	assert.Zero(t, h.faultStats(t, "killed").Kills)

	res, spawned := h.invoke(t, fn, "blue", testfn.Request{Action: "spawn"}) // leaves a child in the group
	require.Empty(t, res.FunctionError)
	reqID := core.NewUUID()
	res, err := h.pool.Invoke(context.Background(), fn, "blue", reqID, []byte(`{"action":"sleep","sleep_ms":5000}`))
	require.NoError(t, err)
	fe := decodeError(t, res)
	assert.Equal(t, "Runtime.ExitError", fe.ErrorType)
	assert.Equal(t, "RequestId: "+reqID+" Error: Runtime exited with error: signal: killed", fe.ErrorMessage)
	assert.Less(t, res.Duration, 3*time.Second, "killed mid-invocation, not at the end")
	eventually(t, "the killed process group is gone", func() bool { return !alive(first.PID) && !alive(spawned.ChildPID) })
	assert.EqualValues(t, 1, h.faultStats(t, "killed").Kills)

	next, resp := h.invoke(t, fn, "blue", testfn.Request{Action: "sleep", SleepMS: 600})
	require.Empty(t, next.FunctionError, "the count is used up: payload %s", next.Payload)
	assert.NotEqual(t, first.PID, resp.PID, "a new environment serves the next invoke")
	assert.True(t, next.ColdStart)
	assert.Equal(t, faults.Stats{Invocations: 6, Kills: 1}, h.faultStats(t, "killed"))
}

func TestInjectedKillOfConcurrentInvocations(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "crowd")
	h.setFaults(t, "crowd", faults.Config{Kill: &faults.Kill{Count: 2, AfterMS: 100}})
	var mu sync.Mutex
	killed := 0
	var wg sync.WaitGroup
	for _, tenant := range []string{"a", "b", "c", "d"} {
		wg.Go(func() {
			res, _ := h.invoke(t, fn, tenant, testfn.Request{Action: "sleep", SleepMS: 1500})
			if res.FunctionError != "" {
				assert.Equal(t, "Runtime.ExitError", decodeError(t, res).ErrorType)
				mu.Lock()
				killed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 2, killed, "exactly count invocations are killed")
	assert.EqualValues(t, 2, h.faultStats(t, "crowd").Kills)
}

func TestSeededErrorsRepeat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "coin")
	run := func() string {
		h.setFaults(t, "coin", faults.Config{ErrorRate: 0.5, Seed: seed(42)})
		var b strings.Builder
		for range 16 {
			res, _ := h.invoke(t, fn, "", testfn.Request{})
			if res.FunctionError != "" {
				assert.Equal(t, "localaws.InjectedFault", decodeError(t, res).ErrorType)
				b.WriteByte('E')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	first := run()
	assert.Equal(t, first, run(), "the same seed fails the same invocations")
	assert.Contains(t, first, "E")
	assert.Contains(t, first, ".")
	assert.Equal(t, faults.Stats{Invocations: 16, Errors: int64(strings.Count(first, "E"))}, h.faultStats(t, "coin"))
}

func TestEnvironmentsReportResidentMemory(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	fn := h.function(t, "rss")
	h.invoke(t, fn, "", testfn.Request{})
	rows := h.pool.Environments()
	require.Len(t, rows, 1)
	assert.Greater(t, rows[0].RSSKB, 1000, "a Go bootstrap holds more than 1 MB resident")
	assert.Less(t, rows[0].RSSKB, 1<<20, "and less than 1 GB")
}
