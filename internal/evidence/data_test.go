package evidence

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

// fakeTable is a tenant data table behind the policy the module gives the tenant-access role: a request whose
// partition key is not the session's tenant, and every Scan, is denied.
type fakeTable struct {
	mu      sync.Mutex
	session string // the tenant the credentials were scoped to
	items   map[string]map[string]ddbtypes.AttributeValue
	putErr  error
}

var errDenied = &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized"}

func keyOf(av map[string]ddbtypes.AttributeValue) (string, string) {
	return av["tenant_id"].(*ddbtypes.AttributeValueMemberS).Value, av["sk"].(*ddbtypes.AttributeValueMemberS).Value
}

func (f *fakeTable) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.putErr != nil {
		return nil, f.putErr
	}
	tenant, sk := keyOf(in.Item)
	if tenant != f.session {
		return nil, errDenied
	}
	f.items[tenant+"/"+sk] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func (f *fakeTable) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if tenant, _ := keyOf(in.Key); tenant != f.session {
		return nil, errDenied
	}
	return &dynamodb.GetItemOutput{}, nil
}

func (f *fakeTable) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if in.ExpressionAttributeValues[":t"].(*ddbtypes.AttributeValueMemberS).Value != f.session {
		return nil, errDenied
	}
	return &dynamodb.QueryOutput{}, nil
}

func (f *fakeTable) Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	return nil, errDenied
}

// fakeScoped hands out configurations for the tenant the guard accepts, as isolation.TenantAccess does.
type fakeScoped struct {
	guard *isolation.Guard
	calls int
}

func (s *fakeScoped) Config(ctx context.Context) (aws.Config, error) {
	s.calls++
	if _, err := s.guard.Check(ctx); err != nil {
		return aws.Config{}, err
	}
	return aws.Config{Region: "us-east-1"}, nil
}

func newDataWorker(t *testing.T, session string) (*Worker, *fakeSender, *fakeTable, *fakeScoped) {
	t.Helper()
	w, snd, _ := newWorker(t)
	tbl := &fakeTable{session: session, items: map[string]map[string]ddbtypes.AttributeValue{}}
	scoped := &fakeScoped{guard: w.Guard()}
	stores := 0
	w.UseTenantTable("ti-tenant-data", scoped, func(aws.Config) ItemStore { stores++; return tbl })
	t.Cleanup(func() { assert.LessOrEqual(t, stores, 1, "one store per environment") })
	return w, snd, tbl, scoped
}

func TestWorkerWritesItsItemUnderItsOwnTenantKey(t *testing.T) {
	w, snd, tbl, scoped := newDataWorker(t, "acme")
	require.NoError(t, w.Handle(invocation("acme"), envelope("acme", "m1")))
	require.NoError(t, w.Handle(invocation("acme"), envelope("acme", "m2")))

	recs := snd.records(t)
	require.Len(t, recs, 2)
	for i, r := range recs {
		want := fmt.Sprintf("evidence#%s#%010d", w.EnvironmentID(), i+1)
		require.NotNil(t, r.Data)
		assert.Equal(t, want, r.Data.SK)
		assert.Nil(t, r.Data.Probe, "an unmarked message probes nothing")
		item := tbl.items["acme/"+want]
		require.NotNil(t, item, "the record's item is in the table under the tenant's key")
		assert.Equal(t, w.EnvironmentID(), item["environment_id"].(*ddbtypes.AttributeValueMemberS).Value)
		assert.Equal(t, r.MessageID, item["message_id"].(*ddbtypes.AttributeValueMemberS).Value)
	}
	assert.Equal(t, 2, scoped.calls, "every invocation asks for its scoped configuration")
}

func TestMarkedMessageRecordsTheRefusedReads(t *testing.T) {
	for _, tt := range []struct {
		name string
		body string
	}{
		{"probe in an SQS body", `{"tenantId":"acme","probe_tenant":"globex"}`},
		{"probe in an EventBridge event's detail", `{"id":"e1","detail":{"tenantId":"acme","probe_tenant":"globex"}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, snd, _, _ := newDataWorker(t, "acme")
			env := envelope("acme", "m1")
			env.Body = tt.body
			require.NoError(t, w.Handle(invocation("acme"), env))
			recs := snd.records(t)
			require.Len(t, recs, 1)
			assert.Equal(t, &Probe{OtherTenant: "globex", GetItem: "AccessDeniedException", Query: "AccessDeniedException",
				Scan: "AccessDeniedException"}, recs[0].Data.Probe)
		})
	}
}

func TestProbeRecordsAReadThatWasAllowed(t *testing.T) {
	// Credentials that reach the other tenant (a wrong policy) must show in the evidence, not be hidden.
	tbl := &tenantTable{name: "ti-tenant-data", store: &fakeTable{session: "globex"}}
	assert.Equal(t, &Probe{OtherTenant: "globex", GetItem: Allowed, Query: Allowed, Scan: "AccessDeniedException"},
		tbl.probe(context.Background(), "globex"))
}

func TestTenantDataFailuresFailTheInvocation(t *testing.T) {
	for _, tt := range []struct {
		name    string
		ctx     context.Context
		putErr  error
		wantErr error
	}{
		{name: "an item that cannot be written fails the invocation", ctx: invocation("acme"), putErr: errors.New("throttled")},
		{name: "an invocation without a tenant writes nothing", ctx: context.Background(), wantErr: isolation.ErrNoTenant},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, snd, tbl, _ := newDataWorker(t, "acme")
			tbl.putErr = tt.putErr
			err := w.Handle(tt.ctx, envelope("acme", "m1"))
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			assert.Empty(t, snd.msgs, "no evidence record without the item")
		})
	}
}

func TestTenantDataFromEnv(t *testing.T) {
	const role = "arn:aws:iam::000000000000:role/ti-tenant-access-us-east-1"
	for _, tt := range []struct {
		name      string
		env       map[string]string
		wantTable string
		wantErr   string
	}{
		{name: "no table means no tenant data", env: map[string]string{}},
		{name: "a table with the role is used", env: map[string]string{"TENANT_DATA_TABLE": "ti-tenant-data", "TENANT_ACCESS_ROLE_ARN": role},
			wantTable: "ti-tenant-data"},
		{name: "a table without the role is refused", env: map[string]string{"TENANT_DATA_TABLE": "ti-tenant-data"},
			wantErr: "TENANT_ACCESS_ROLE_ARN: not set"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			table, roleARN, err := TenantDataFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantTable, table)
			if table != "" {
				assert.Equal(t, role, roleARN)
			}
		})
	}
}
