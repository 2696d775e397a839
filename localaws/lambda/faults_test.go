package lambda_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
	locallambda "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda"
)

// admin sends a request to a /_localaws/ path and decodes a JSON answer into out.
func (h *harness) admin(method, path, body string, out any) int {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL()+path, strings.NewReader(body))
	require.NoError(h.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	if out != nil {
		require.NoError(h.t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

func (h *harness) putFaults(function, config string) {
	h.t.Helper()
	var e faults.Entry
	require.Equal(h.t, http.StatusOK, h.admin(http.MethodPut, "/_localaws/faults/"+function, config, &e))
	require.Equal(h.t, function, e.Function)
}

func (h *harness) faultStats(function string) faults.Stats {
	h.t.Helper()
	var e faults.Entry
	require.Equal(h.t, http.StatusOK, h.admin(http.MethodGet, "/_localaws/faults/"+function, "", &e))
	return e.Stats
}

type environmentRow struct {
	FunctionName string `json:"function_name"`
	TenantID     string `json:"tenant_id"`
	PID          int    `json:"pid"`
	Invocations  int    `json:"invocations"`
	RSSKB        int    `json:"rss_kb"`
}

func (h *harness) environments() []environmentRow {
	h.t.Helper()
	var rows []environmentRow
	require.Equal(h.t, http.StatusOK, h.admin(http.MethodGet, "/_localaws/environments", "", &rows))
	return rows
}

func TestFaultsThroughTheSDK(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("backend", perTenant, func(in *lambda.CreateFunctionInput) {
		in.Code.ZipFile = buildBootstrap(t)
		in.Timeout = aws.Int32(10)
	})
	invoke := func(in lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		in.FunctionName, in.TenantId = aws.String("backend"), aws.String("blue")
		return h.client.Invoke(h.ctx(), &in)
	}

	t.Run("error", func(t *testing.T) {
		h.putFaults("backend", `{"error_rate":1}`)
		out, err := invoke(lambda.InvokeInput{})
		require.NoError(t, err)
		assert.EqualValues(t, http.StatusOK, out.StatusCode)
		assert.Equal(t, "Unhandled", aws.ToString(out.FunctionError), "X-Amz-Function-Error")
		var fe struct{ ErrorType, ErrorMessage string }
		require.NoError(t, json.Unmarshal(out.Payload, &fe))
		assert.Equal(t, "localaws.InjectedFault", fe.ErrorType)
		assert.Contains(t, fe.ErrorMessage, "injected fault: ")
		assert.Equal(t, faults.Stats{Invocations: 1, Errors: 1}, h.faultStats("backend"))
	})
	t.Run("throttle", func(t *testing.T) {
		h.putFaults("backend", `{"throttle_rate":1}`)
		_, err := invoke(lambda.InvokeInput{})
		requireCode(t, err, "TooManyRequestsException", http.StatusTooManyRequests)
		var tmr *types.TooManyRequestsException
		require.ErrorAs(t, err, &tmr)
		assert.Equal(t, types.ThrottleReasonConcurrentInvocationLimitExceeded, tmr.Reason)
	})
	t.Run("latency", func(t *testing.T) {
		h.putFaults("backend", `{"latency_ms":300}`)
		start := time.Now()
		out, err := invoke(lambda.InvokeInput{})
		require.NoError(t, err)
		assert.Empty(t, aws.ToString(out.FunctionError), "payload %s", out.Payload)
		assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
		assert.Equal(t, faults.Stats{Invocations: 1, Delayed: 1}, h.faultStats("backend"))
	})
	t.Run("kill", func(t *testing.T) {
		require.Equal(t, http.StatusNoContent, h.admin(http.MethodDelete, "/_localaws/faults/backend", "", nil))
		before := h.environments()
		require.Len(t, before, 1)
		assert.Positive(t, before[0].RSSKB, "rss_kb is the environment's resident memory")
		// The latency holds the event long enough for the kill to find it running.
		h.putFaults("backend", `{"latency_ms":2000,"kill":{"count":1,"after_ms":50}}`)
		out, err := invoke(lambda.InvokeInput{})
		require.NoError(t, err)
		assert.Equal(t, "Unhandled", aws.ToString(out.FunctionError))
		assert.Contains(t, string(out.Payload), "Runtime.ExitError")
		require.Equal(t, http.StatusNoContent, h.admin(http.MethodDelete, "/_localaws/faults/backend", "", nil))
		out, err = invoke(lambda.InvokeInput{})
		require.NoError(t, err)
		var e echo
		require.NoError(t, json.Unmarshal(out.Payload, &e), "payload %s", out.Payload)
		assert.NotEqual(t, before[0].PID, e.PID, "a new environment serves the next invoke")
		assert.Equal(t, "blue", e.Tenant)
	})
	t.Run("bad config", func(t *testing.T) {
		var body map[string]string
		status := h.admin(http.MethodPut, "/_localaws/faults/backend", `{"error_rate":-1}`, &body)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "InvalidParameterValueException", body["__type"])
		assert.Contains(t, body["message"], "error_rate")
	})
	t.Run("delete clears", func(t *testing.T) {
		require.Equal(t, http.StatusNoContent, h.admin(http.MethodDelete, "/_localaws/faults/backend", "", nil))
		var list struct{ Functions []faults.Entry }
		require.Equal(t, http.StatusOK, h.admin(http.MethodGet, "/_localaws/faults", "", &list))
		assert.Empty(t, list.Functions)
		out, err := invoke(lambda.InvokeInput{})
		require.NoError(t, err)
		assert.Empty(t, aws.ToString(out.FunctionError))
	})
}

// TestAsyncThrottleIsRetried: an Event invoke is accepted even when every invoke is
// throttled; the queue keeps retrying the throttle, and the event runs once it stops.
func TestAsyncThrottleIsRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("backend", perTenant, func(in *lambda.CreateFunctionInput) { in.Code.ZipFile = buildBootstrap(t) })
	h.putFaults("backend", `{"throttle_rate":1}`)
	out, err := h.client.Invoke(h.ctx(), &lambda.InvokeInput{FunctionName: aws.String("backend"),
		TenantId: aws.String("blue"), InvocationType: types.InvocationTypeEvent})
	require.NoError(t, err)
	assert.EqualValues(t, http.StatusAccepted, out.StatusCode)
	require.Eventually(t, func() bool { return h.faultStats("backend").Throttles >= 3 }, 20*time.Second, 20*time.Millisecond,
		"the async queue retries throttled invokes")
	assert.Empty(t, h.environments(), "no environment ran the throttled event")

	require.Equal(t, http.StatusNoContent, h.admin(http.MethodDelete, "/_localaws/faults/backend", "", nil))
	require.Eventually(t, func() bool {
		rows := h.environments()
		return len(rows) == 1 && rows[0].TenantID == "blue" && rows[0].Invocations == 1
	}, 20*time.Second, 20*time.Millisecond, "the event runs once the throttling stops")
}

func TestFaultsSetThroughTheServiceOptions(t *testing.T) {
	set := faults.NewSet()
	seed := int64(9)
	require.NoError(t, set.Load(map[string]faults.Config{"backend": {ErrorRate: 0.5, Seed: &seed},
		"router": {Kill: &faults.Kill{Count: 1, AfterMS: 5}}}))
	h := newHarnessWith(t, locallambda.Options{Faults: set})
	var list struct{ Functions []faults.Entry }
	require.Equal(t, http.StatusOK, h.admin(http.MethodGet, "/_localaws/faults", "", &list))
	require.Len(t, list.Functions, 2)
	assert.Equal(t, "backend", list.Functions[0].Function)
	assert.Equal(t, 0.5, list.Functions[0].Config.ErrorRate)
	assert.EqualValues(t, 9, *list.Functions[0].Config.Seed)
	assert.Equal(t, &faults.Kill{Count: 1, AfterMS: 5}, list.Functions[1].Config.Kill)

	t.Run("the same set is what the invocations take", func(t *testing.T) {
		h.create("backend")
		_, err := set.Put("backend", faults.Config{ErrorRate: 1})
		require.NoError(t, err)
		out, err := h.client.Invoke(h.ctx(), &lambda.InvokeInput{FunctionName: aws.String("backend")})
		require.NoError(t, err)
		assert.Equal(t, "Unhandled", aws.ToString(out.FunctionError))
	})
	t.Run("LOCALAWS_FAULTS is read by the command, not by the server", func(t *testing.T) {
		t.Setenv(faults.EnvVar, `{"backend":{"error_rate":1}}`)
		srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0"})
		require.NoError(t, err)
		t.Cleanup(func() { _ = srv.Close() })
		assert.Equal(t, http.StatusNotFound, get(t, srv, "/_localaws/faults/backend"))
	})
}

// get serves one GET through srv's handler, without listening.
func get(t *testing.T, srv *localaws.Server, path string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, path, nil)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec.Code
}
