package lambda_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBootstrap compiles testdata/tenantecho and zips it as an executable "bootstrap".
func buildBootstrap(t *testing.T) []byte {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-o", bin, "./testdata/tenantecho")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the test bootstrap: %s", out)
	data, err := os.ReadFile(bin)
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

type echo struct {
	PID       int    `json:"pid"`
	Tenant    string `json:"tenant"`
	Mode      string `json:"mode"`
	LogFormat string `json:"log_format"`
}

func TestInvokeRunsOneEnvironmentPerTenant(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("isolated", perTenant, func(in *lambda.CreateFunctionInput) {
		in.Code.ZipFile = buildBootstrap(t)
		in.Timeout = aws.Int32(10)
		in.Environment = &types.Environment{Variables: map[string]string{"MODE": "e2e"}}
		in.LoggingConfig = &types.LoggingConfig{LogFormat: types.LogFormatJson}
	})
	invoke := func(tenant string, payload string) *lambda.InvokeOutput {
		t.Helper()
		out, err := h.client.Invoke(h.ctx(), &lambda.InvokeInput{FunctionName: aws.String("isolated"),
			TenantId: aws.String(tenant), Payload: []byte(payload)})
		require.NoError(t, err)
		assert.EqualValues(t, http.StatusOK, out.StatusCode)
		assert.Equal(t, "$LATEST", aws.ToString(out.ExecutedVersion))
		return out
	}
	decode := func(out *lambda.InvokeOutput) echo {
		t.Helper()
		require.Empty(t, aws.ToString(out.FunctionError), "payload: %s", out.Payload)
		var e echo
		require.NoError(t, json.Unmarshal(out.Payload, &e))
		return e
	}

	blue := decode(invoke("blue", `{}`))
	blueAgain := decode(invoke("blue", `{}`))
	green := decode(invoke("green", `{}`))
	assert.Equal(t, "blue", blue.Tenant, "the handler sees the invoke's tenant")
	assert.Equal(t, "green", green.Tenant)
	assert.Equal(t, blue.PID, blueAgain.PID, "a tenant reuses its warm environment")
	assert.NotEqual(t, blue.PID, green.PID, "tenants never share a process")
	assert.Equal(t, "e2e", blue.Mode, "the function's variables reach the process")
	assert.Equal(t, "JSON", blue.LogFormat, "the JSON log format reaches the runtime")

	failed := invoke("blue", `{"fail":true}`)
	assert.Equal(t, "Unhandled", aws.ToString(failed.FunctionError))
	assert.Contains(t, string(failed.Payload), "asked to fail")

	resp, err := http.Get(h.srv.URL() + "/_localaws/environments")
	require.NoError(t, err)
	defer resp.Body.Close()
	var envs []struct {
		FunctionName string `json:"function_name"`
		TenantID     string `json:"tenant_id"`
		PID          int    `json:"pid"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&envs))
	pids := map[string]int{}
	for _, e := range envs {
		assert.Equal(t, "isolated", e.FunctionName)
		pids[e.TenantID] = e.PID
	}
	assert.Equal(t, map[string]int{"blue": blue.PID, "green": green.PID}, pids)
}
