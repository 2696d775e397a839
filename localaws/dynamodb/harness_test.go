package dynamodb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	localddb "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
)

const tableARNPrefix = "arn:aws:dynamodb:us-east-1:000000000000:table/"

// harness is an in-process localaws with only DynamoDB, and a real SDK client for it.
type harness struct {
	t      testing.TB
	srv    *localaws.Server
	client *dynamodb.Client
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	srv, cfg := testserver.Start(t, localaws.Config{}, localaws.Use(localddb.New))
	return &harness{t: t, srv: srv, client: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.RetryMaxAttempts = 1
	})}
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// createTable creates an on-demand table keyed by pk (S) and, when rangeKey is set, sk (S or N as given).
func (h *harness) createTable(name, rangeKey string, rangeType types.ScalarAttributeType,
	opts ...func(*dynamodb.CreateTableInput)) *types.TableDescription {
	h.t.Helper()
	in := &dynamodb.CreateTableInput{TableName: aws.String(name), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}}
	if rangeKey != "" {
		in.AttributeDefinitions = append(in.AttributeDefinitions,
			types.AttributeDefinition{AttributeName: aws.String(rangeKey), AttributeType: rangeType})
		in.KeySchema = append(in.KeySchema,
			types.KeySchemaElement{AttributeName: aws.String(rangeKey), KeyType: types.KeyTypeRange})
	}
	for _, o := range opts {
		o(in)
	}
	out, err := h.client.CreateTable(h.ctx(), in)
	require.NoError(h.t, err)
	return out.TableDescription
}

func (h *harness) describe(name string) *types.TableDescription {
	h.t.Helper()
	out, err := h.client.DescribeTable(h.ctx(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	require.NoError(h.t, err)
	return out.Table
}

// requireAPIError checks that err is the API error code with the exact message.
func requireAPIError(t testing.TB, err error, code, message string) {
	t.Helper()
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "want %s, got %v", code, err)
	require.Equal(t, code, apiErr.ErrorCode(), apiErr.ErrorMessage())
	if message != "" {
		require.Equal(t, message, apiErr.ErrorMessage())
	}
}
