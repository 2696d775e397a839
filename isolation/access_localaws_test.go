package isolation_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

const (
	account = "000000000000"
	table   = "orders-tenant-data"
)

// The trust and permissions policies modules/tenant-access renders (tests there check the plan's statements).
var (
	backendRoleARN      = "arn:aws:iam::" + account + ":role/orders-backend"
	tenantAccessRoleARN = "arn:aws:iam::" + account + ":role/orders-tenant-access"
	tenantAccessTrust   = `{"Version":"2012-10-17","Statement":[{"Sid":"BackendAssumesWithItsTenantAsSessionTag","Effect":"Allow",
  "Principal":{"AWS":"` + backendRoleARN + `"},"Action":["sts:AssumeRole","sts:TagSession"],
  "Condition":{"StringLike":{"aws:RequestTag/TenantId":"?*"},"ForAllValues:StringEquals":{"aws:TagKeys":["TenantId"]}}}]}`
	tenantAccessPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"OwnTenantItemsOnly","Effect":"Allow",
  "Action":["dynamodb:GetItem","dynamodb:BatchGetItem","dynamodb:Query","dynamodb:PutItem","dynamodb:UpdateItem",
            "dynamodb:DeleteItem","dynamodb:BatchWriteItem","dynamodb:ConditionCheckItem"],
  "Resource":"arn:aws:dynamodb:us-east-1:` + account + `:table/` + table + `",
  "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/TenantId}"]},
               "Null":{"dynamodb:LeadingKeys":"false"}}}]}`
)

// world is localaws with the module's roles and table, and the backend's execution role assumed.
type world struct {
	admin   aws.Config // keys localaws did not issue: the account's administrator
	backend aws.Config // the backend's execution role's session, as Lambda gives it
}

func newWorld(t testing.TB) world {
	t.Helper()
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler), IAM: localaws.IAMOn},
		localaws.DefaultServices()...)
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	admin := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAADMIN", "secret", "")}
	ctx := context.Background()

	// The backend's role stands in for Lambda's: the account trusts it, and it may assume the tenant-access role.
	ic := iam.NewFromConfig(admin)
	for _, r := range []struct{ name, trust, policy string }{
		{"orders-backend", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Sid":"AssumeTenantAccessRoleWithTenantTag","Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"` + tenantAccessRoleARN + `"}]}`},
		{"orders-tenant-access", tenantAccessTrust, tenantAccessPolicy},
	} {
		_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), AssumeRolePolicyDocument: aws.String(r.trust)})
		require.NoError(t, err)
		_, err = ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(r.name), PolicyName: aws.String("p"), PolicyDocument: aws.String(r.policy)})
		require.NoError(t, err)
	}
	_, err = dynamodb.NewFromConfig(admin).CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table),
		BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("tenant_id"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String("tenant_id"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange}}})
	require.NoError(t, err)

	out, err := sts.NewFromConfig(admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(backendRoleARN),
		RoleSessionName: aws.String("orders-backend")})
	require.NoError(t, err)
	backend := admin.Copy()
	backend.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId),
		aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	return world{admin: admin, backend: backend}
}

func invocation(tenant string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "r", TenantID: tenant})
}

func item(tenant, sk string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		"tenant_id": &ddbtypes.AttributeValueMemberS{Value: tenant}, "sk": &ddbtypes.AttributeValueMemberS{Value: sk}}
}

func code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return fmt.Sprint(err)
}

// TestTenantAccessOnLocalaws drives TenantAccess through the SDK against localaws's STS, IAM evaluation and DynamoDB:
// the scoped session reaches its own tenant's items only, and the trust policy refuses every other way in.
func TestTenantAccessOnLocalaws(t *testing.T) {
	w := newWorld(t)
	ctx := invocation("acme")
	access, err := isolation.NewTenantAccess(w.backend, tenantAccessRoleARN, nil)
	require.NoError(t, err)
	cfg, err := access.Config(ctx)
	require.NoError(t, err)

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+account+":assumed-role/orders-tenant-access/tenant-acme", aws.ToString(id.Arn))

	db := dynamodb.NewFromConfig(cfg)
	_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("acme", "1")})
	require.NoError(t, err, "a tenant writes under its own key")
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: item("acme", "1")})
	require.NoError(t, err)
	assert.NotEmpty(t, got.Item)

	for name, call := range map[string]func() error{
		"PutItem under another tenant's key": func() error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("globex", "1")})
			return err
		},
		"GetItem of another tenant's key": func() error {
			_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: item("globex", "1")})
			return err
		},
		"Query of another tenant's key": func() error {
			_, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("tenant_id = :t"),
				ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":t": &ddbtypes.AttributeValueMemberS{Value: "globex"}}})
			return err
		},
		"BatchGetItem that mixes in another tenant's key": func() error {
			_, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]ddbtypes.KeysAndAttributes{
				table: {Keys: []map[string]ddbtypes.AttributeValue{item("acme", "1"), item("globex", "1")}}}})
			return err
		},
		"Scan": func() error {
			_, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
			return err
		},
	} {
		t.Run(name+" is denied", func(t *testing.T) { assert.Equal(t, "AccessDeniedException", code(call())) })
	}

	tag := func(k, v string) ststypes.Tag { return ststypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
	for _, tt := range []struct {
		name string
		as   aws.Config
		tags []ststypes.Tag
	}{
		{"a principal other than the backend's role is refused", w.admin, []ststypes.Tag{tag("TenantId", "acme")}},
		{"the backend's role without the tenant tag is refused", w.backend, nil},
		{"an empty tenant tag is refused", w.backend, []ststypes.Tag{tag("TenantId", "")}},
		{"a second session tag is refused", w.backend, []ststypes.Tag{tag("TenantId", "acme"), tag("Team", "orders")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sts.NewFromConfig(tt.as).AssumeRole(context.Background(), &sts.AssumeRoleInput{
				RoleArn: aws.String(tenantAccessRoleARN), RoleSessionName: aws.String("x-1"), Tags: tt.tags})
			assert.Equal(t, "AccessDenied", code(err))
		})
	}
}

// The cost of scoped credentials against localaws over loopback: the first use in an environment (one AssumeRole,
// with its trust evaluation) and every later use (no network call: the cached credentials).
func BenchmarkTenantAccessOnLocalaws(b *testing.B) {
	w := newWorld(b)
	ctx := invocation("acme")
	b.Run("first use in an environment", func(b *testing.B) {
		for b.Loop() {
			access, err := isolation.NewTenantAccess(w.backend, tenantAccessRoleARN, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := access.Config(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("later use", func(b *testing.B) {
		access, err := isolation.NewTenantAccess(w.backend, tenantAccessRoleARN, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := access.Config(ctx); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			cfg, err := access.Config(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
