package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// emulated is a registry table, a held queue and a source queue on an in-process localaws, which applies DynamoDB's
// expression, condition and key rules and SQS's.
type emulated struct {
	ddb     *dynamodb.Client
	sqs     *sqs.Client
	deps    Deps
	table   string
	held    string
	orders  string
	outputs string
	url     string // of localaws
}

func newEmulated(t testing.TB) *emulated {
	t.Helper()
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	e := &emulated{ddb: dynamodb.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg), table: "ti-tenants", url: srv.URL()}
	ctx := t.Context()
	_, err = e.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(e.table),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("tenant_id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("tenant_id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
	})
	require.NoError(t, err)
	require.NoError(t, dynamodb.NewTableExistsWaiter(e.ddb, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
	}).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(e.table)}, time.Minute))
	for _, q := range []*string{&e.held, &e.orders} {
		name := map[*string]string{&e.held: "ti-held", &e.orders: "ti-orders"}[q]
		out, err := e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		require.NoError(t, err)
		*q = aws.ToString(out.QueueUrl)
	}
	e.outputs = fmt.Sprintf(`{"table_name":%q,"held_queue_url":%q,"cache_ttl_seconds":1,"sources":{"orders":{"kind":"sqs","queue_url":%q}}}`,
		e.table, e.held, e.orders)
	e.deps = Deps{DynamoDB: e.ddb, SQS: e.sqs, Events: eventbridge.NewFromConfig(cfg),
		Terraform: func(context.Context, ...string) ([]byte, error) { return []byte(e.outputs), nil }}
	return e
}

func (e *emulated) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), append(args, "-chdir", "infra"), &stdout, &stderr, e.deps)
	return stdout.String(), err
}

func (e *emulated) must(t *testing.T, args ...string) string {
	t.Helper()
	out, err := e.run(t, args...)
	require.NoError(t, err, "tenantctl %v", args)
	return out
}

// hold sends a held message as the router would.
func (e *emulated) hold(t *testing.T, tenant, id, body string) {
	t.Helper()
	attr := func(v string) sqstypes.MessageAttributeValue {
		return sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	_, err := e.sqs.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(e.held), MessageBody: aws.String(body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"quarantine_reason": attr("tenant_suspended"), "quarantine_source": attr("orders"),
			"original_message_id": attr(id), "held_tenant_id": attr(tenant),
			"original_attributes": attr(`{"tenantId":"` + tenant + `"}`),
		}})
	require.NoError(t, err)
}

func TestLifecycleOnLocalaws(t *testing.T) {
	e := newEmulated(t)
	e.must(t, "add", "acme", "-reason", "signed up")
	e.must(t, "add", "globex")
	_, err := e.run(t, "add", "acme")
	require.ErrorContains(t, err, `tenant "acme" already exists in ti-tenants with status ACTIVE`)

	e.must(t, "suspend", "globex", "-reason", "invoice unpaid")
	assert.Contains(t, e.must(t, "suspend", "globex"), "globex is already SUSPENDED")
	assert.Contains(t, e.must(t, "offboard", "acme", "-dry-run"), "would offboard acme: ACTIVE -> OFFBOARDED")

	// The router's cache reads what tenantctl wrote, through the real BatchGetItem with its projection.
	cache := registry.New(e.ddb, e.table, registry.Options{TTL: time.Minute})
	res := cache.Resolve(t.Context(), []string{"acme", "globex", "nobody"})
	assert.Equal(t, registry.Result{Status: registry.Active}, res["acme"])
	assert.Equal(t, registry.Result{Status: registry.Suspended}, res["globex"])
	assert.Equal(t, registry.Result{Status: registry.Unknown}, res["nobody"])

	for i := range 3 {
		e.hold(t, "globex", fmt.Sprintf("m%d", i), fmt.Sprintf(`{"n":%d}`, i))
	}
	e.hold(t, "globex", "m0", `{"n":0}`) // held twice, as after a redelivery
	e.hold(t, "acme", "a0", `{"a":0}`)

	var shown struct {
		Status registry.Status `json:"status"`
		Reason string          `json:"reason"`
		Held   int             `json:"held"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.must(t, "show", "globex", "-json")), &shown))
	assert.Equal(t, registry.Suspended, shown.Status)
	assert.Equal(t, "invoice unpaid", shown.Reason)
	assert.Equal(t, 4, shown.Held)

	var resumed struct {
		After  registry.Status `json:"after"`
		Replay struct {
			Replayed        int `json:"replayed"`
			AlreadyReplayed int `json:"already_replayed"`
		} `json:"replay"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.must(t, "resume", "globex", "-json", "-wait", "0s")), &resumed))
	assert.Equal(t, registry.Active, resumed.After)
	assert.Equal(t, 3, resumed.Replay.Replayed, "three messages, one of them held twice, are sent once each")
	assert.Equal(t, 1, resumed.Replay.AlreadyReplayed)
	require.NoError(t, json.Unmarshal([]byte(e.must(t, "resume", "globex", "-json", "-wait", "0s")), &resumed))
	assert.Zero(t, resumed.Replay.Replayed, "a second resume sends nothing")

	out, err := e.sqs.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.orders),
		MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}, WaitTimeSeconds: 1})
	require.NoError(t, err)
	var bodies []string
	for _, m := range out.Messages {
		bodies = append(bodies, aws.ToString(m.Body))
		assert.Equal(t, "globex", aws.ToString(m.MessageAttributes["tenantId"].StringValue))
	}
	assert.ElementsMatch(t, []string{`{"n":0}`, `{"n":1}`, `{"n":2}`}, bodies)
	require.NoError(t, json.Unmarshal([]byte(e.must(t, "show", "acme", "-json")), &shown))
	assert.Equal(t, 1, shown.Held, "the other tenant's message is still held")

	list := e.must(t, "list")
	assert.Contains(t, list, "2 tenants", "ledger items are not tenants")
	var page struct {
		Tenants []struct {
			ID string `json:"tenant_id"`
		} `json:"tenants"`
		NextToken string `json:"next_token"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.must(t, "list", "-limit", "1", "-json")), &page))
	assert.Len(t, page.Tenants, 1)
	assert.NotEmpty(t, page.NextToken)
	_, err = e.run(t, "resume", "nobody")
	assert.ErrorContains(t, err, "add it with tenantctl add nobody")
}

// faults sets (config) or clears (config "") the fault injection of the registry table's item operations.
func (e *emulated) faults(t *testing.T, config string) {
	t.Helper()
	method, body := http.MethodPut, strings.NewReader(config)
	if config == "" {
		method = http.MethodDelete
	}
	req, err := http.NewRequest(method, e.url+"/_localaws/faults/dynamodb/"+e.table, body)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Less(t, resp.StatusCode, 300)
}

// TestRegistryOutageOnLocalaws holds the router's cache to its outage rules against DynamoDB's real error shapes,
// after the SDK's own retries: an uncached tenant is an error (retry), a cached one is served stale, and nothing is
// ever read as unknown.
func TestRegistryOutageOnLocalaws(t *testing.T) {
	e := newEmulated(t)
	e.must(t, "add", "acme")
	e.must(t, "add", "globex")
	now := time.Now()
	clock := func() time.Time { return now }
	cache := registry.New(e.ddb, e.table, registry.Options{TTL: time.Minute, StaleFor: 5 * time.Minute, Now: clock})
	require.Equal(t, registry.Result{Status: registry.Active}, cache.Resolve(t.Context(), []string{"acme"})["acme"])

	for _, fault := range []string{`{"error_rate":1}`, `{"throttle_rate":1}`} {
		t.Run(fault, func(t *testing.T) {
			e.faults(t, fault)
			now = now.Add(2 * time.Minute) // acme's status is past its TTL
			res := cache.Resolve(t.Context(), []string{"acme", "globex"})
			assert.Equal(t, registry.Result{Status: registry.Active, Stale: true}, res["acme"])
			require.Error(t, res["globex"].Err, "a tenant never read is retried, not unknown")
			assert.Equal(t, registry.Unknown, res["globex"].Status)
			e.faults(t, "")
		})
	}
	assert.Equal(t, registry.Result{Status: registry.Active}, cache.Resolve(t.Context(), []string{"globex"})["globex"],
		"read again once the registry answers")
}

// BenchmarkList10000 is tenantctl list (the table for people) over a registry of 10,000 tenants on localaws.
func BenchmarkList10000(b *testing.B) {
	e := newEmulated(b)
	for start := 0; start < 10_000; start += 25 {
		var reqs []ddbtypes.WriteRequest
		for i := start; i < start+25; i++ {
			reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{
				"tenant_id":  &ddbtypes.AttributeValueMemberS{Value: fmt.Sprintf("tenant-%05d", i)},
				"status":     &ddbtypes.AttributeValueMemberS{Value: "ACTIVE"},
				"updated_at": &ddbtypes.AttributeValueMemberS{Value: "2026-12-06T14:00:00Z"},
			}}})
		}
		_, err := e.ddb.BatchWriteItem(b.Context(), &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]ddbtypes.WriteRequest{e.table: reqs}})
		require.NoError(b, err)
	}
	for b.Loop() {
		var stdout, stderr bytes.Buffer
		require.NoError(b, Run(context.Background(), []string{"list", "-chdir", "infra"}, &stdout, &stderr, e.deps))
		if !bytes.Contains(stdout.Bytes(), []byte("10000 tenants")) {
			b.Fatalf("listed: %s", stdout.String()[max(0, stdout.Len()-200):])
		}
	}
}
