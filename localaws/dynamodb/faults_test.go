package dynamodb_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

// setFaults configures a table's fault injection through the admin endpoint.
func (h *harness) setFaults(table, config string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPut, h.srv.URL()+"/_localaws/faults/dynamodb/"+table, strings.NewReader(config))
	require.NoError(h.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	require.Equal(h.t, http.StatusOK, resp.StatusCode)
	require.NoError(h.t, resp.Body.Close())
}

func TestTableFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("flaky", "", "")
	h.createTable("steady", "", "")
	key := map[string]types.AttributeValue{"pk": s("a")}
	get := func(table string) error {
		_, err := h.client.GetItem(h.ctx(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key})
		return err
	}

	h.setFaults("flaky", `{"error_rate":1}`)
	requireAPIError(t, get("flaky"), "InternalServerError", "")
	require.NoError(t, get("steady"), "faults are per table")
	_, err := h.client.DescribeTable(h.ctx(), &dynamodb.DescribeTableInput{TableName: aws.String("flaky")})
	require.NoError(t, err, "the control plane is not affected, so applies do not fail")

	h.setFaults("flaky", `{"throttle_rate":1}`)
	requireAPIError(t, get("flaky"), "ThrottlingException", "")

	h.setFaults("flaky", `{"latency_ms":150}`)
	start := time.Now()
	require.NoError(t, get("flaky"))
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)

	resp, err := http.Get(h.srv.URL() + "/_localaws/faults/dynamodb")
	require.NoError(t, err)
	defer resp.Body.Close()
	var list struct {
		Tables []faults.Entry `json:"tables"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	require.Len(t, list.Tables, 1)
	assert.Equal(t, "flaky", list.Tables[0].Table)
	assert.Equal(t, faults.Stats{Invocations: 1, Delayed: 1}, list.Tables[0].Stats, "a PUT starts the stats afresh")
}

func TestTableFaultsRetriedBySDK(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("retried", "", "")
	h.setFaults("retried", `{"error_rate":0.5,"seed":7}`)
	client := dynamodb.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: h.client.Options().Credentials,
		BaseEndpoint: h.client.Options().BaseEndpoint, RetryMaxAttempts: 10})
	for range 10 {
		_, err := client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String("retried"),
			Item: map[string]types.AttributeValue{"pk": s("a")}})
		require.NoError(t, err, "an injected 500 is retried as AWS's are")
	}
}
