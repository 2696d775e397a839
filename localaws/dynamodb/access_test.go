package dynamodb_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
)

// tenantPolicy is the canonical tenant policy: item actions on the table, only under
// the caller's own partition key, and no Scan.
const tenantPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Action":["dynamodb:GetItem","dynamodb:BatchGetItem","dynamodb:Query","dynamodb:PutItem",
           "dynamodb:UpdateItem","dynamodb:DeleteItem","dynamodb:BatchWriteItem","dynamodb:ConditionCheckItem"],
 "Resource":["arn:aws:dynamodb:us-east-1:000000000000:table/tenant-data"],
 "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/TenantId}"]}}}]}`

const trustWithTags = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`

// tenantClient is a DynamoDB client acting as tenant through a role session tagged TenantId.
func tenantClient(t *testing.T, admin aws.Config, tenant string) *dynamodb.Client {
	t.Helper()
	return tenantClientWith(t, admin, tenant, tenantPolicy)
}

// tenantClientWith is tenantClient with the role's policy given.
func tenantClientWith(t *testing.T, admin aws.Config, tenant, policy string) *dynamodb.Client {
	t.Helper()
	ctx := context.Background()
	role, err := iam.NewFromConfig(admin).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("tenant-" + tenant),
		AssumeRolePolicyDocument: aws.String(trustWithTags)})
	require.NoError(t, err)
	_, err = iam.NewFromConfig(admin).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role.Role.RoleName,
		PolicyName: aws.String("tenant"), PolicyDocument: aws.String(policy)})
	require.NoError(t, err)
	out, err := sts.NewFromConfig(admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn,
		RoleSessionName: aws.String("tenant-" + tenant), Tags: []ststypes.Tag{{Key: aws.String("TenantId"), Value: aws.String(tenant)}}})
	require.NoError(t, err)
	cfg := admin.Copy()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
}

func requireDenied(t *testing.T, err error) {
	t.Helper()
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "want AccessDeniedException, got %v", err)
	assert.Equal(t, "AccessDeniedException", apiErr.ErrorCode(), apiErr.ErrorMessage())
}

func TestLeadingKeysConfineATenantToItsOwnItems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, admin := testserver.Start(t, localaws.Config{IAM: localaws.IAMOn})
	adminDB := dynamodb.NewFromConfig(admin)
	_, err := adminDB.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("tenant-data"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("tenant_id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("tenant_id"), KeyType: types.KeyTypeHash}}})
	require.NoError(t, err)
	for _, tenant := range []string{"a", "b"} {
		_, err := adminDB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("tenant-data"),
			Item: map[string]types.AttributeValue{"tenant_id": s(tenant)}})
		require.NoError(t, err)
	}
	asA := tenantClient(t, admin, "a")
	key := func(tenant string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"tenant_id": s(tenant)}
	}
	table := aws.String("tenant-data")

	got, err := asA.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: key("a")})
	require.NoError(t, err, "its own item")
	assert.NotNil(t, got.Item)
	_, err = asA.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]types.AttributeValue{"tenant_id": s("a"), "v": n("1")}})
	require.NoError(t, err)
	_, err = asA.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: aws.String("tenant_id = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("a")}})
	require.NoError(t, err)

	denied := map[string]func() error{
		"GetItem of another tenant's item": func() error {
			_, err := asA.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: key("b")})
			return err
		},
		"PutItem under another tenant's key": func() error {
			_, err := asA.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: key("b")})
			return err
		},
		"Query of another tenant's partition": func() error {
			_, err := asA.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: aws.String("tenant_id = :t"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("b")}})
			return err
		},
		"Scan": func() error {
			_, err := asA.Scan(ctx, &dynamodb.ScanInput{TableName: table})
			return err
		},
		"BatchGetItem with one key of another tenant": func() error {
			_, err := asA.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				"tenant-data": {Keys: []map[string]types.AttributeValue{key("a"), key("b")}}}})
			return err
		},
		"TransactWriteItems touching another tenant's item": func() error {
			_, err := asA.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: table, Item: key("a")}},
				{Delete: &types.Delete{TableName: table, Key: key("b")}}}})
			return err
		},
	}
	for name, call := range denied {
		t.Run(name, func(t *testing.T) { requireDenied(t, call()) })
	}
	b, err := adminDB.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: key("b"), ConsistentRead: aws.Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{"tenant_id": s("b")}, b.Item, "tenant b's item is untouched")
}

// AWS advises guarding ForAllValues with a Null check, because ForAllValues is true for a
// request without the key. Item operations always carry dynamodb:LeadingKeys, so the
// guarded policy must allow a tenant its own items exactly as the plain one does: the
// request must be judged once, with its item-level keys, not first without them.
func TestLeadingKeysGuardedWithNullAllowTheTenantsOwnItems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, admin := testserver.Start(t, localaws.Config{IAM: localaws.IAMOn})
	_, err := dynamodb.NewFromConfig(admin).CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("tenant-data"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("tenant_id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("tenant_id"), KeyType: types.KeyTypeHash}}})
	require.NoError(t, err)
	guarded := strings.Replace(tenantPolicy, `}}}]}`, `},"Null":{"dynamodb:LeadingKeys":"false"}}}]}`, 1)
	require.NotEqual(t, tenantPolicy, guarded)
	asA := tenantClientWith(t, admin, "a", guarded)
	table := aws.String("tenant-data")

	_, err = asA.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]types.AttributeValue{"tenant_id": s("a")}})
	require.NoError(t, err, "its own item")
	_, err = asA.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: map[string]types.AttributeValue{"tenant_id": s("a")}})
	require.NoError(t, err)
	_, err = asA.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: aws.String("tenant_id = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("a")}})
	require.NoError(t, err)
	_, err = asA.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"tenant-data": {{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"tenant_id": s("a")}}}}}})
	require.NoError(t, err)

	_, err = asA.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: map[string]types.AttributeValue{"tenant_id": s("b")}})
	requireDenied(t, err)
	_, err = asA.Scan(ctx, &dynamodb.ScanInput{TableName: table})
	requireDenied(t, err)
}
