package isolation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func invocation(tenant, request string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
		AwsRequestID: request, TenantID: tenant,
	})
}

// capture returns a logger whose JSON lines can be read back.
func capture() (*slog.Logger, func() []map[string]any) {
	var buf bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	})
	logger := slog.New(NewLogHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})))
	return logger, func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		var lines []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			if l == "" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				panic(err)
			}
			lines = append(lines, m)
		}
		return lines
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestTenantID(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		want string
		ok   bool
	}{
		{name: "tenant from the lambda context", ctx: invocation("acme", "r1"), want: "acme", ok: true},
		{name: "empty tenant is no tenant", ctx: invocation("", "r1")},
		{name: "no lambda context is no tenant", ctx: context.Background()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := TenantID(tt.ctx)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.ok, ok)
		})
	}
}

func TestGuard(t *testing.T) {
	type step struct {
		tenant string
		err    string // "" means the check passes
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "same tenant every time passes", steps: []step{{tenant: "acme"}, {tenant: "acme"}, {tenant: "acme"}}},
		{name: "second tenant is a violation", steps: []step{
			{tenant: "acme"},
			{tenant: "globex", err: `bound to tenant "acme" received tenant "globex"`},
		}},
		{name: "guard stays tripped after a violation", steps: []step{
			{tenant: "acme"},
			{tenant: "globex", err: "received tenant"},
			{tenant: "acme", err: `bound to tenant "acme" received tenant "acme"`},
		}},
		{name: "missing tenant is an error and does not bind", steps: []step{
			{tenant: "", err: "has no tenant ID"},
			{tenant: "globex"},
			{tenant: "globex"},
		}},
		{name: "ids differing in case are different tenants", steps: []step{
			{tenant: "acme"},
			{tenant: "ACME", err: "received tenant"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, _ := capture()
			g := NewGuard(logger)
			for i, s := range tt.steps {
				got, err := g.Check(invocation(s.tenant, "r"))
				if s.err == "" {
					require.NoError(t, err, "step %d", i)
					assert.Equal(t, s.tenant, got)
					continue
				}
				require.Error(t, err, "step %d", i)
				assert.Contains(t, err.Error(), s.err)
				assert.Empty(t, got)
			}
		})
	}
}

func TestGuardLogsViolationLoudly(t *testing.T) {
	logger, lines := capture()
	g := NewGuard(logger)
	_, err := g.Check(invocation("acme", "r1"))
	require.NoError(t, err)
	_, err = g.Check(invocation("globex", "r2"))

	var v *ViolationError
	require.True(t, errors.As(err, &v))
	assert.Equal(t, ViolationError{Bound: "acme", Received: "globex"}, *v)

	logged := lines()
	require.Len(t, logged, 1)
	assert.Equal(t, "ERROR", logged[0]["level"])
	assert.Equal(t, "isolation violated", logged[0]["msg"])
	assert.Equal(t, "acme", logged[0]["boundTenantId"])
	assert.Equal(t, "globex", logged[0]["receivedTenantId"])
	assert.Equal(t, "globex", logged[0]["tenantId"], "the handler adds the context's tenant")
	assert.Equal(t, "r2", logged[0]["requestId"])

	bound, ok := g.Tenant()
	assert.True(t, ok)
	assert.Equal(t, "acme", bound)
}

func TestGuardMissingTenantIsLogged(t *testing.T) {
	logger, lines := capture()
	_, err := NewGuard(logger).Check(context.Background())
	require.ErrorIs(t, err, ErrNoTenant)
	logged := lines()
	require.Len(t, logged, 1)
	assert.Equal(t, "ERROR", logged[0]["level"])
	assert.Equal(t, "invocation without tenant", logged[0]["msg"])
}

// Many goroutines race to bind the guard: exactly one tenant wins, and every check for the other fails.
func TestGuardConcurrentBinding(t *testing.T) {
	logger, _ := capture()
	g := NewGuard(logger)
	var wg sync.WaitGroup
	results := make([]string, 64)
	errs := make([]error, 64)
	for i := range 64 {
		wg.Go(func() {
			tenant := "acme"
			if i%2 == 1 {
				tenant = "globex"
			}
			results[i], errs[i] = g.Check(invocation(tenant, "r"))
		})
	}
	wg.Wait()
	bound, ok := g.Tenant()
	require.True(t, ok)
	for i := range 64 {
		if errs[i] == nil {
			assert.Equal(t, bound, results[i])
		}
	}
}

func TestHandlerWrapper(t *testing.T) {
	logger, _ := capture()
	calls := 0
	h := Handler(NewGuard(logger), func(ctx context.Context, in string) (string, error) {
		calls++
		return "ok:" + in, nil
	})
	out, err := h(invocation("acme", "r1"), "x")
	require.NoError(t, err)
	assert.Equal(t, "ok:x", out)

	out, err = h(invocation("globex", "r2"), "y")
	require.Error(t, err)
	assert.Empty(t, out)
	assert.Equal(t, 1, calls, "the wrapped handler must not run for a violating tenant")
}

func TestLogHandler(t *testing.T) {
	tests := []struct {
		name string
		log  func(*slog.Logger)
		ctx  context.Context
		want map[string]any
		none []string
		// renamed is how many conflicting tenant attributes the line counts.
		renamed uint64
	}{
		{name: "adds tenant and request from the context", ctx: invocation("acme", "r1"),
			log:  func(l *slog.Logger) { l.InfoContext(invocation("acme", "r1"), "hello") },
			want: map[string]any{"tenantId": "acme", "requestId": "r1", "msg": "hello"}},
		{name: "adds nothing without a lambda context",
			log:  func(l *slog.Logger) { l.Info("hello") },
			none: []string{"tenantId", "requestId"}},
		{name: "adds only the request id when there is no tenant",
			log:  func(l *slog.Logger) { l.InfoContext(invocation("", "r1"), "hello") },
			want: map[string]any{"requestId": "r1"}, none: []string{"tenantId"}},
		{name: "a call's conflicting tenant is renamed, the context's stays",
			log:  func(l *slog.Logger) { l.InfoContext(invocation("acme", "r1"), "x", "tenantId", "globex") },
			want: map[string]any{"tenantId": "acme", "tenantId_arg": "globex", "requestId": "r1"}, renamed: 1},
		{name: "a tenant bound with With is renamed",
			log:  func(l *slog.Logger) { l.With("tenantId", "globex").InfoContext(invocation("acme", "r1"), "x") },
			want: map[string]any{"tenantId": "acme", "tenantId_arg": "globex"}, renamed: 1},
		{name: "a tenant in an inline group is renamed",
			log: func(l *slog.Logger) {
				l.InfoContext(invocation("acme", "r1"), "x", slog.Group("", "tenantId", "globex"))
			},
			want: map[string]any{"tenantId": "acme", "tenantId_arg": "globex"}, renamed: 1},
		{name: "a tenant of another type is renamed",
			log:  func(l *slog.Logger) { l.InfoContext(invocation("acme", "r1"), "x", "tenantId", 7) },
			want: map[string]any{"tenantId": "acme", "tenantId_arg": float64(7)}, renamed: 1},
		{name: "a call's tenant equal to the context's is written once",
			log:  func(l *slog.Logger) { l.InfoContext(invocation("acme", "r1"), "x", "tenantId", "acme") },
			want: map[string]any{"tenantId": "acme"}, none: []string{"tenantId_arg"}},
		{name: "the context's tenant stays at the top level under a group",
			log: func(l *slog.Logger) {
				l.With("a", 1).WithGroup("g").With("b", 2).InfoContext(invocation("acme", "r1"), "x", "c", 3)
			},
			want: map[string]any{"tenantId": "acme", "requestId": "r1", "a": float64(1),
				"g": map[string]any{"b": float64(2), "c": float64(3)}}},
		{name: "a tenant bound before a group is renamed at the top level",
			log: func(l *slog.Logger) {
				l.With("tenantId", "globex").WithGroup("g").InfoContext(invocation("acme", "r1"), "x", "c", 3)
			},
			want:    map[string]any{"tenantId": "acme", "tenantId_arg": "globex", "g": map[string]any{"c": float64(3)}},
			renamed: 1},
		{name: "a tenant inside a group does not shadow the top-level one",
			log: func(l *slog.Logger) {
				l.WithGroup("g").InfoContext(invocation("acme", "r1"), "x", "tenantId", "globex")
			},
			want: map[string]any{"tenantId": "acme", "g": map[string]any{"tenantId": "globex"}}},
		{name: "without a tenant in the context a call's tenant is kept",
			log:  func(l *slog.Logger) { l.InfoContext(invocation("", "r1"), "x", "tenantId", "acme") },
			want: map[string]any{"tenantId": "acme", "requestId": "r1"}, none: []string{"tenantId_arg"}},
		{name: "a call's request id is kept",
			log:  func(l *slog.Logger) { l.InfoContext(invocation("acme", "r1"), "x", "requestId", "r0") },
			want: map[string]any{"requestId": "r0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, lines := capture()
			before := RenamedTenantAttrs()
			tt.log(logger)
			logged := lines()
			require.Len(t, logged, 1)
			for k, v := range tt.want {
				assert.Equal(t, v, logged[0][k], k)
			}
			for _, k := range tt.none {
				assert.NotContains(t, logged[0], k)
			}
			assert.Equal(t, tt.renamed, RenamedTenantAttrs()-before)
		})
	}
}

// The wrapper is a well-behaved slog.Handler: groups, With, empty attributes and resolution as slog specifies.
func TestLogHandlerConformance(t *testing.T) {
	var buf bytes.Buffer
	h := NewLogHandler(slog.NewJSONHandler(&buf, nil))
	err := slogtest.TestHandler(h, func() []map[string]any {
		var out []map[string]any
		for _, l := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(l, &m))
			out = append(out, m)
		}
		return out
	})
	require.NoError(t, err)
}

func TestLevelFromEnv(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"": slog.LevelInfo, "DEBUG": slog.LevelDebug, "warn": slog.LevelWarn, "ERROR": slog.LevelError,
		"bogus": slog.LevelInfo,
	} {
		t.Setenv("AWS_LAMBDA_LOG_LEVEL", in)
		assert.Equal(t, want, LevelFromEnv(), in)
	}
}

func TestEnvelopeJSON(t *testing.T) {
	b, err := json.Marshal(Envelope{TenantID: "acme", Source: "orders", MessageID: "m1", Body: `{"a":1}`})
	require.NoError(t, err)
	assert.JSONEq(t, `{"tenant_id":"acme","source":"orders","message_id":"m1","body":"{\"a\":1}"}`, string(b))
}
