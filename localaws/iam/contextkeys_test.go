package iam_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetContextKeys(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	tenant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*",` +
		`"Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":"${aws:PrincipalTag/TenantId}"}}}]}`
	transport := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",` +
		`"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotEquals":{"AWS:PRINCIPALTAG/TENANTID":"t1"}}}]}`

	custom, err := c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{tenant, transport}})
	require.NoError(t, err)
	assert.Equal(t, []string{"aws:PrincipalTag/TenantId", "dynamodb:LeadingKeys", "aws:SecureTransport"}, custom.ContextKeyNames,
		"each key once, whatever its case")

	role := createRole(t, c, "worker")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("tenant"),
		PolicyDocument: aws.String(tenant)})
	require.NoError(t, err)
	principal, err := c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{
		PolicySourceArn: role.Arn, PolicyInputList: []string{transport}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"aws:PrincipalTag/TenantId", "dynamodb:LeadingKeys", "aws:SecureTransport"},
		principal.ContextKeyNames)

	_, err = c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + account + ":role/missing")})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
	_, err = c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{`{`}})
	requireAPIError(t, err, "InvalidInput", http.StatusBadRequest)
}
