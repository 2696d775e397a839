package faults_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

func TestDecode(t *testing.T) {
	seed := int64(42)
	tests := []struct {
		name  string
		body  string
		want  faults.Config
		error string // substring; "" means valid
	}{
		{"empty body counts only", ``, faults.Config{}, ""},
		{"empty object", `{}`, faults.Config{}, ""},
		{"every field", `{"error_rate":0.1,"throttle_rate":0.2,"latency_ms":5,"timeout_rate":1,"kill":{"count":1,"after_ms":5},"seed":42}`,
			faults.Config{ErrorRate: 0.1, ThrottleRate: 0.2, LatencyMS: 5, TimeoutRate: 1,
				Kill: &faults.Kill{Count: 1, AfterMS: 5}, Seed: &seed}, ""},
		{"rates at the bounds", `{"error_rate":0,"throttle_rate":1}`, faults.Config{ThrottleRate: 1}, ""},
		{"error rate above 1", `{"error_rate":1.5}`, faults.Config{}, "error_rate must be between 0 and 1, got 1.5"},
		{"negative throttle rate", `{"throttle_rate":-0.1}`, faults.Config{}, "throttle_rate must be between 0 and 1"},
		{"timeout rate above 1", `{"timeout_rate":2}`, faults.Config{}, "timeout_rate"},
		{"negative latency", `{"latency_ms":-1}`, faults.Config{}, "latency_ms must be between 0 and 900000, got -1"},
		{"latency beyond any timeout", `{"latency_ms":900001}`, faults.Config{}, "latency_ms"},
		{"fractional latency", `{"latency_ms":1.5}`, faults.Config{}, "latency_ms"},
		{"negative kill count", `{"kill":{"count":-1}}`, faults.Config{}, "kill.count must not be negative"},
		{"negative kill delay", `{"kill":{"count":1,"after_ms":-5}}`, faults.Config{}, "kill.after_ms"},
		{"negative seed", `{"seed":-3}`, faults.Config{}, "seed must not be negative"},
		{"unknown field", `{"eror_rate":0.1}`, faults.Config{}, `unknown field "eror_rate"`},
		{"unknown kill field", `{"kill":{"times":1}}`, faults.Config{}, `unknown field "times"`},
		{"rate as a string", `{"error_rate":"0.1"}`, faults.Config{}, "error_rate"},
		{"bad JSON", `{"error_rate":`, faults.Config{}, "invalid JSON"},
		{"trailing data", `{} {}`, faults.Config{}, "data after the object"},
		{"not an object", `[1]`, faults.Config{}, "invalid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := faults.Decode([]byte(tc.body))
			if tc.error != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.error)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseEnvironment(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  map[string]faults.Config
		error string
	}{
		{"two functions", `{"backend":{"error_rate":0.1},"router":{"kill":{"count":1}}}`, map[string]faults.Config{
			"backend": {ErrorRate: 0.1}, "router": {Kill: &faults.Kill{Count: 1}}}, ""},
		{"no functions", `{}`, map[string]faults.Config{}, ""},
		{"not JSON", `backend=0.1`, nil, "LOCALAWS_FAULTS: invalid JSON"},
		{"null", `null`, nil, "want a JSON object"},
		{"invalid config names the function", `{"backend":{"error_rate":3}}`, nil,
			"LOCALAWS_FAULTS: function backend: error_rate must be between 0 and 1"},
		{"unknown field names the function", `{"backend":{"latency":3}}`, nil, `function backend: invalid JSON: json: unknown field "latency"`},
		{"an ARN instead of a name", `{"arn:aws:lambda:us-east-1:000000000000:function:x":{}}`, nil, "a name, not an ARN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := faults.FromEnv(env(tc.value))
			if tc.error != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.error)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("unset is no faults", func(t *testing.T) {
		got, err := faults.FromEnv(env(""))
		require.NoError(t, err)
		assert.Nil(t, got)
	})
}

// env is a getenv whose LOCALAWS_FAULTS is value.
func env(value string) func(string) string {
	return func(key string) string {
		if key == faults.EnvVar {
			return value
		}
		return ""
	}
}

// outcomes plans n invocations and renders each as one letter: T(hrottle), E(rror),
// O (timeout) or . (none).
func outcomes(s *faults.Set, fn string, n int) string {
	var b strings.Builder
	for range n {
		p := s.Decide(fn)
		switch {
		case p.Throttle:
			b.WriteByte('T')
		case p.Error:
			b.WriteByte('E')
		case p.Timeout:
			b.WriteByte('O')
		default:
			b.WriteByte('.')
		}
	}
	return b.String()
}

func TestSeededDecisionsRepeat(t *testing.T) {
	s := faults.NewSet()
	seed := int64(7)
	cfg := faults.Config{ErrorRate: 0.3, ThrottleRate: 0.2, TimeoutRate: 0.2, Seed: &seed}
	_, err := s.Put("fn", cfg)
	require.NoError(t, err)
	first := outcomes(s, "fn", 200)
	_, err = s.Put("fn", cfg) // a PUT starts afresh
	require.NoError(t, err)
	assert.Equal(t, first, outcomes(s, "fn", 200), "the same seed gives the same decisions")
	for _, c := range "TEO." {
		assert.Contains(t, first, string(c), "every outcome occurs in 200 draws")
	}

	other := int64(8)
	cfg.Seed = &other
	_, err = s.Put("fn", cfg)
	require.NoError(t, err)
	third := outcomes(s, "fn", 200)
	assert.NotEqual(t, first, third, "another seed gives other decisions")

	e, ok := s.Get("fn")
	require.True(t, ok)
	want := faults.Stats{Invocations: 200, Throttles: int64(strings.Count(third, "T")),
		Errors: int64(strings.Count(third, "E")), Timeouts: int64(strings.Count(third, "O"))}
	assert.Equal(t, want, e.Stats, "the stats count what was injected since the last PUT")
	// Rough shares: 20 % throttles; of the rest, 30 % errors.
	assert.InDelta(t, 40, e.Stats.Throttles, 20)
	assert.InDelta(t, 48, e.Stats.Errors, 24)
}

func TestRandomSeedIsReported(t *testing.T) {
	s := faults.NewSet()
	e, err := s.Put("fn", faults.Config{ErrorRate: 0.5})
	require.NoError(t, err)
	require.NotNil(t, e.Config.Seed, "the drawn seed is stored, so the run can be repeated")
	first := outcomes(s, "fn", 64)
	_, err = s.Put("fn", e.Config)
	require.NoError(t, err)
	assert.Equal(t, first, outcomes(s, "fn", 64))
}

func TestDecisionsAndStats(t *testing.T) {
	s := faults.NewSet()
	assert.Equal(t, faults.Plan{}, s.Decide("unset"), "a function without a config gets nothing")

	_, err := s.Put("slow", faults.Config{LatencyMS: 250, Kill: &faults.Kill{Count: 2, AfterMS: 5}})
	require.NoError(t, err)
	p := s.Decide("slow")
	assert.Equal(t, 250*time.Millisecond, p.Latency)
	assert.True(t, p.Kill)
	assert.Equal(t, 5*time.Millisecond, p.KillAfter)
	assert.False(t, p.Throttle || p.Error || p.Timeout)

	assert.True(t, p.TakeKill())
	assert.True(t, s.Decide("slow").TakeKill())
	assert.False(t, p.TakeKill(), "the count is used up")
	assert.False(t, s.Decide("slow").Kill, "no kill is planned once the count is used up")

	e, _ := s.Get("slow")
	assert.Equal(t, faults.Stats{Invocations: 3, Kills: 2, Delayed: 3}, e.Stats)

	_, err = s.Put("slow", faults.Config{Kill: &faults.Kill{Count: 1}})
	require.NoError(t, err)
	assert.False(t, p.TakeKill(), "a plan of a replaced config kills nothing")
	e, _ = s.Get("slow")
	assert.Equal(t, faults.Stats{}, e.Stats, "a PUT resets the stats")

	_, err = s.Put("always", faults.Config{ErrorRate: 1, TimeoutRate: 1, LatencyMS: 10})
	require.NoError(t, err)
	p = s.Decide("always")
	assert.True(t, p.Error, "an error wins over a timeout")
	assert.False(t, p.Timeout)
	assert.Contains(t, p.Message, "injected fault")
	assert.Equal(t, 10*time.Millisecond, p.Latency, "an injected error is delayed too")

	_, err = s.Put("hang", faults.Config{TimeoutRate: 1, LatencyMS: 10, Kill: &faults.Kill{Count: 1}})
	require.NoError(t, err)
	p = s.Decide("hang")
	assert.True(t, p.Timeout)
	assert.Zero(t, p.Latency, "a timeout holds the event anyway")
	assert.False(t, p.Kill)
	e, _ = s.Get("hang")
	assert.Equal(t, faults.Stats{Invocations: 1, Timeouts: 1}, e.Stats)

	s.Delete("hang")
	_, ok := s.Get("hang")
	assert.False(t, ok)
	assert.Equal(t, faults.Plan{}, s.Decide("hang"))
}

func TestPutRejects(t *testing.T) {
	s := faults.NewSet()
	_, err := s.Put("bad name", faults.Config{})
	assert.ErrorContains(t, err, "a name, not an ARN")
	_, err = s.Put("fn", faults.Config{ErrorRate: 2})
	assert.ErrorContains(t, err, "error_rate")
	assert.Empty(t, s.List())
	assert.Error(t, s.Load(map[string]faults.Config{"ok": {}, "bad": {LatencyMS: -1}}))
	assert.Empty(t, s.List(), "Load sets nothing unless every config is valid")
}

// call sends one request to the admin endpoint and decodes a JSON answer into out.
func call(t *testing.T, url, method, path, body string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url+path, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp
}

func TestAdminEndpoint(t *testing.T) {
	t.Parallel()
	s := faults.NewSet()
	mux := http.NewServeMux()
	s.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var stored map[string]any
	resp := call(t, srv.URL, http.MethodPut, "/_localaws/faults/zeta", `{"error_rate":0.25,"kill":{"count":1,"after_ms":5},"seed":42}`, &stored)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"function":"zeta","config":{"error_rate":0.25,"throttle_rate":0,"latency_ms":0,"timeout_rate":0,
		"kill":{"count":1,"after_ms":5},"seed":42},
		"stats":{"invocations":0,"errors":0,"throttles":0,"timeouts":0,"kills":0,"delayed":0}}`, mustJSON(t, stored))
	resp = call(t, srv.URL, http.MethodPut, "/_localaws/faults/alpha", ``, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "an empty body is an empty config")
	s.Decide("alpha")

	var list struct {
		Functions []faults.Entry `json:"functions"`
	}
	call(t, srv.URL, http.MethodGet, "/_localaws/faults", "", &list)
	require.Len(t, list.Functions, 2)
	assert.Equal(t, "alpha", list.Functions[0].Function, "sorted by name")
	assert.EqualValues(t, 1, list.Functions[0].Stats.Invocations)
	assert.Equal(t, "zeta", list.Functions[1].Function)

	var one faults.Entry
	resp = call(t, srv.URL, http.MethodGet, "/_localaws/faults/zeta", "", &one)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 0.25, one.Config.ErrorRate)

	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code, message            string
	}{
		{"rate out of range", http.MethodPut, "/_localaws/faults/zeta", `{"throttle_rate":1.2}`, 400,
			"InvalidParameterValueException", "invalid fault config for function zeta: throttle_rate must be between 0 and 1"},
		{"unknown field", http.MethodPut, "/_localaws/faults/zeta", `{"kill_rate":1}`, 400,
			"InvalidParameterValueException", `unknown field "kill_rate"`},
		{"bad JSON", http.MethodPut, "/_localaws/faults/zeta", `{`, 400, "InvalidParameterValueException", "invalid JSON"},
		{"negative latency", http.MethodPut, "/_localaws/faults/zeta", `{"latency_ms":-5}`, 400,
			"InvalidParameterValueException", "latency_ms"},
		{"bad function name", http.MethodPut, "/_localaws/faults/a%20b", `{}`, 400,
			"InvalidParameterValueException", "a name, not an ARN"},
		{"too large a body", http.MethodPut, "/_localaws/faults/zeta", strings.Repeat(" ", 70<<10), 413,
			"RequestEntityTooLargeException", "exceeds"},
		{"no config", http.MethodGet, "/_localaws/faults/nobody", "", 404, "ResourceNotFoundException",
			"no fault config for function nobody"},
		{"unknown path", http.MethodGet, "/_localaws/faults/a/b", "", 404, "UnknownOperationException", "use GET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body map[string]string
			resp := call(t, srv.URL, tc.method, tc.path, tc.body, &body)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.code, body["__type"])
			assert.Equal(t, tc.code, resp.Header.Get("X-Amzn-ErrorType"))
			assert.Contains(t, body["message"], tc.message)
		})
	}
	call(t, srv.URL, http.MethodGet, "/_localaws/faults/zeta", "", &one)
	assert.Equal(t, 0.25, one.Config.ErrorRate, "a refused PUT leaves the config as it was")

	resp = call(t, srv.URL, http.MethodDelete, "/_localaws/faults/zeta", "", nil)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp = call(t, srv.URL, http.MethodGet, "/_localaws/faults/zeta", "", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp = call(t, srv.URL, http.MethodDelete, "/_localaws/faults/zeta", "", nil)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode, "DELETE is idempotent")
	call(t, srv.URL, http.MethodGet, "/_localaws/faults", "", &list)
	assert.Len(t, list.Functions, 1)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestTableTarget(t *testing.T) {
	cfgs, err := faults.Parse(`{"backend":{"error_rate":0.1},"dynamodb:tenants":{"throttle_rate":0.5,"latency_ms":10}}`)
	require.NoError(t, err)
	functions, tables := faults.NewSet(), faults.NewSetFor(faults.Tables)
	require.NoError(t, functions.Load(cfgs))
	require.NoError(t, tables.Load(cfgs))
	assert.Len(t, functions.List(), 1, "a dynamodb: key is not a function")
	e, ok := tables.Get("tenants")
	require.True(t, ok)
	assert.Equal(t, "tenants", e.Table)
	assert.Empty(t, e.Function)

	tests := []struct {
		name, env, error string
	}{
		{"a table cannot time out", `{"dynamodb:tenants":{"timeout_rate":0.5}}`,
			"table tenants: timeout_rate and kill apply to functions only"},
		{"a table cannot be killed", `{"dynamodb:tenants":{"kill":{"count":1}}}`, "apply to functions only"},
		{"a table name follows DynamoDB's rule", `{"dynamodb:ab":{}}`, `table name "ab" must be 3-255`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := faults.Parse(tc.env)
			assert.ErrorContains(t, err, tc.error)
		})
	}
	_, err = tables.Put("tenants", faults.Config{TimeoutRate: 1})
	assert.ErrorContains(t, err, "apply to functions only")
}
