package localaws_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/actions"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// served lists every operation of every default service, with how to call it.
type servedOp struct {
	service, op string
	// method and path for REST operations; "" for JSON and query ones.
	method, path string
	target       string // X-Amz-Target prefix of JSON operations
}

func servedOps(t *testing.T) []servedOp {
	t.Helper()
	env := &core.Env{Region: "us-east-1", Account: "000000000000", StateDir: t.TempDir(), Clock: core.RealClock{},
		Logger: slog.New(slog.DiscardHandler), BaseURL: func() string { return "" }}
	var ops []servedOp
	for _, f := range localaws.DefaultServices() {
		svc := f(env)
		t.Cleanup(func() {
			if c, ok := svc.(core.Closer); ok {
				_ = c.Close()
			}
		})
		route := svc.Route()
		switch s := svc.(type) {
		case interface{ Routes() []protocol.Route }:
			for _, r := range s.Routes() {
				method, path, _ := strings.Cut(r.Pattern, " ")
				ops = append(ops, servedOp{service: route.SigningName, op: r.Op, method: method, path: path})
			}
		case interface{ Operations() []string }:
			for _, op := range s.Operations() {
				ops = append(ops, servedOp{service: route.SigningName, op: op, target: route.TargetPrefix})
			}
		default:
			t.Fatalf("%s lists no operations", route.SigningName)
		}
	}
	require.NotEmpty(t, ops)
	return ops
}

func TestEveryServedOperationHasAnIAMAction(t *testing.T) {
	t.Parallel()
	for _, o := range servedOps(t) {
		_, ok := actions.Lookup(o.service, o.op)
		assert.True(t, ok, "%s:%s has no row in localaws/iam/actions", o.service, o.op)
	}
}

// queryParams are what a query operation needs past its validation, for those that
// check their parameters before they ask IAM.
var queryParams = map[string]url.Values{
	"sts:AssumeRole": {"RoleArn": {"arn:aws:iam::000000000000:role/nothing"}, "RoleSessionName": {"again"}},
}

// jsonBodies are what a JSON operation needs to name its resources at all.
var jsonBodies = map[string]string{
	"dynamodb:BatchGetItem":       `{"RequestItems":{"tbl":{"Keys":[{"k":{"S":"x"}}]}}}`,
	"dynamodb:BatchWriteItem":     `{"RequestItems":{"tbl":[{"PutRequest":{"Item":{"k":{"S":"x"}}}}]}}`,
	"dynamodb:TransactGetItems":   `{"TransactItems":[{"Get":{"TableName":"tbl","Key":{"k":{"S":"x"}}}}]}`,
	"dynamodb:TransactWriteItems": `{"TransactItems":[{"Put":{"TableName":"tbl","Item":{"k":{"S":"x"}}}}]}`,
	"dynamodb:GetItem":            `{"TableName":"tbl","Key":{"k":{"S":"x"}}}`,
	"dynamodb:DeleteItem":         `{"TableName":"tbl","Key":{"k":{"S":"x"}}}`,
	"dynamodb:UpdateItem":         `{"TableName":"tbl","Key":{"k":{"S":"x"}}}`,
	"dynamodb:PutItem":            `{"TableName":"tbl","Item":{"k":{"S":"x"}}}`,
	"dynamodb:Query": `{"TableName":"tbl","KeyConditionExpression":"k = :k",` +
		`"ExpressionAttributeValues":{":k":{"S":"x"}}}`,
	"dynamodb:Scan": `{"TableName":"tbl"}`,
}

// needsNoPermission are the operations AWS serves to any authenticated caller.
var needsNoPermission = map[string]bool{"sts:GetCallerIdentity": true}

func TestAPrincipalWithNoPermissionsIsRefusedEveryOperation(t *testing.T) {
	t.Parallel()
	_, admin := startEnforcing(t)
	session := newRoleSession(t, admin, "nothing", "")
	// DynamoDB reads a table's key schema before it judges a query, so the table exists.
	_, err := dynamodb.NewFromConfig(admin).CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String("tbl"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("k"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("k"), KeyType: ddbtypes.KeyTypeHash}}})
	require.NoError(t, err)
	creds, err := session.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	base := aws.ToString(admin.BaseEndpoint)
	label := regexp.MustCompile(`\{[^}]+\}`)
	for _, o := range servedOps(t) {
		if needsNoPermission[o.service+":"+o.op] {
			continue
		}
		t.Run(o.service+":"+o.op, func(t *testing.T) {
			var req *http.Request
			switch {
			case o.method != "":
				req, err = http.NewRequest(o.method, base+label.ReplaceAllString(o.path, "x"), strings.NewReader("{}"))
			case o.target != "":
				body := jsonBodies[o.service+":"+o.op]
				if body == "" {
					body = "{}"
				}
				req, err = http.NewRequest(http.MethodPost, base+"/", strings.NewReader(body))
				req.Header.Set("X-Amz-Target", o.target+"."+o.op)
				req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			default:
				form := url.Values{"Action": {o.op}}
				for k, v := range queryParams[o.service+":"+o.op] {
					form[k] = v
				}
				req, err = http.NewRequest(http.MethodPost, base+"/", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			require.NoError(t, err)
			// localaws reads who signed a request without checking the signature.
			req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/%s/aws4_request, "+
				"SignedHeaders=host, Signature=0", creds.AccessKeyID, o.service))
			req.Header.Set("X-Amz-Security-Token", creds.SessionToken)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			assert.Contains(t, string(body), "is not authorized to perform", "status %d", resp.StatusCode)
			assert.Contains(t, []int{http.StatusForbidden, http.StatusBadRequest}, resp.StatusCode)
		})
	}
}
