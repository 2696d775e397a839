package evidence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

// ItemStore is the part of the DynamoDB client the worker uses, always with tenant-scoped credentials.
type ItemStore interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Scoped gives configurations whose credentials are scoped to the invocation's tenant: *isolation.TenantAccess.
type Scoped interface {
	Config(ctx context.Context) (aws.Config, error)
}

// DataRecord is what an invocation did in the tenant data table (docs/contracts.md).
type DataRecord struct {
	SK    string `json:"sk"`              // sort key of the item written under the invocation's tenant
	Probe *Probe `json:"probe,omitempty"` // the reads a marked message asked for
}

// Probe is the outcome of reads that must be denied: another tenant's item and key, and a Scan. Each outcome is the
// error code AWS answered (AccessDeniedException), or Allowed.
type Probe struct {
	OtherTenant string `json:"other_tenant"`
	GetItem     string `json:"get_item"`
	Query       string `json:"query"`
	Scan        string `json:"scan"`
}

// Allowed is a probe's outcome when AWS answered the read: tenant data leaked.
const Allowed = "allowed"

// ProbeField is the body field that marks a test message: the worker then tries to read the tenant it names. It is
// taken from the payload on purpose, as the bug scoped credentials must stop.
const ProbeField = "probe_tenant"

// TenantDataFromEnv returns the tenant data table and the tenant-access role the module sets, or "" for both when
// the backend has no table.
func TenantDataFromEnv(getenv func(string) string) (table, roleARN string, err error) {
	table = strings.TrimSpace(getenv(isolation.EnvTenantDataTable))
	if table == "" {
		return "", "", nil
	}
	roleARN, err = isolation.TenantAccessRoleFromEnv(getenv)
	if err != nil {
		return "", "", fmt.Errorf("%s is set, so the worker needs the tenant-access role: %w", isolation.EnvTenantDataTable, err)
	}
	return table, roleARN, nil
}

// tenantTable writes the worker's items with the tenant's scoped credentials.
type tenantTable struct {
	name     string
	scoped   Scoped
	newStore func(aws.Config) ItemStore
	store    ItemStore // built on first use: the environment's tenant and credentials never change
}

// UseTenantTable makes the worker write an item per invocation to table, with a store built by newStore from
// scoped's configuration (dynamodb.NewFromConfig). Share the worker's Guard with scoped.
func (w *Worker) UseTenantTable(table string, scoped Scoped, newStore func(aws.Config) ItemStore) {
	w.table = &tenantTable{name: table, scoped: scoped, newStore: newStore}
}

// Guard is the worker's tenant guard, for an isolation.TenantAccess to share.
func (w *Worker) Guard() *isolation.Guard { return w.guard }

// write puts the invocation's item under its own tenant's key and runs the probe a marked body asks for. Called with
// w.mu held.
func (t *tenantTable) write(ctx context.Context, tenant string, rec Record, body string) (*DataRecord, error) {
	cfg, err := t.scoped.Config(ctx)
	if err != nil {
		return nil, err
	}
	if t.store == nil {
		t.store = t.newStore(cfg)
	}
	d := &DataRecord{SK: fmt.Sprintf("evidence#%s#%010d", rec.EnvironmentID, rec.InvocationSeq)}
	_, err = t.store.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(t.name),
		Item: map[string]ddbtypes.AttributeValue{
			"tenant_id":      &ddbtypes.AttributeValueMemberS{Value: tenant},
			"sk":             &ddbtypes.AttributeValueMemberS{Value: d.SK},
			"environment_id": &ddbtypes.AttributeValueMemberS{Value: rec.EnvironmentID},
			"message_id":     &ddbtypes.AttributeValueMemberS{Value: rec.MessageID},
			"source":         &ddbtypes.AttributeValueMemberS{Value: rec.Source},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("evidence: writing the item to %s: %w", t.name, err)
	}
	if other := probeTenant(body); other != "" {
		d.Probe = t.probe(ctx, other)
	}
	return d, nil
}

// probe tries to read another tenant's item and key, and the whole table.
func (t *tenantTable) probe(ctx context.Context, other string) *Probe {
	_, getErr := t.store.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(t.name),
		Key: map[string]ddbtypes.AttributeValue{
			"tenant_id": &ddbtypes.AttributeValueMemberS{Value: other},
			"sk":        &ddbtypes.AttributeValueMemberS{Value: "evidence#probe"},
		},
	})
	_, queryErr := t.store.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(t.name),
		KeyConditionExpression:    aws.String("tenant_id = :t"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":t": &ddbtypes.AttributeValueMemberS{Value: other}},
	})
	_, scanErr := t.store.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(t.name), Limit: aws.Int32(1)})
	return &Probe{OtherTenant: other, GetItem: outcome(getErr), Query: outcome(queryErr), Scan: outcome(scanErr)}
}

// outcome is an API error's code, Allowed for no error, or the error's text for a failure without a code.
func outcome(err error) string {
	var apiErr smithy.APIError
	switch {
	case err == nil:
		return Allowed
	case errors.As(err, &apiErr):
		return apiErr.ErrorCode()
	default:
		return "error: " + err.Error()
	}
}

// probeTenant reads ProbeField from a JSON body, at the top level or in an EventBridge event's detail.
func probeTenant(body string) string {
	var b struct {
		Probe  string `json:"probe_tenant"`
		Detail struct {
			Probe string `json:"probe_tenant"`
		} `json:"detail"`
	}
	if json.Unmarshal([]byte(body), &b) != nil {
		return ""
	}
	if b.Probe != "" {
		return b.Probe
	}
	return b.Detail.Probe
}
