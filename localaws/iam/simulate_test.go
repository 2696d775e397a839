package iam_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// routerPolicy is the shape of the module's router role: invoke the backend and its
// versions, send to the quarantine queue, nothing else; never purge.
const routerPolicy = `{"Version":"2012-10-17","Statement":[` +
	`{"Sid":"InvokeBackend","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":[` +
	`"arn:aws:lambda:us-east-1:123456789012:function:backend","arn:aws:lambda:us-east-1:123456789012:function:backend:*"]},` +
	`{"Sid":"Quarantine","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:quarantine"},` +
	`{"Sid":"NeverPurge","Effect":"Deny","Action":"sqs:PurgeQueue","Resource":"*"}]}`

func TestSimulatePrincipalPolicyAnswersWithTheRolesPolicies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("router"), AssumeRolePolicyDocument: aws.String(trust)})
	require.NoError(t, err)
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("router"), PolicyName: aws.String("this"),
		PolicyDocument: aws.String(routerPolicy)})
	require.NoError(t, err)
	tests := []struct {
		name, action, resource, decision, matched string
	}{
		{"the backend may be invoked", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:backend",
			"allowed", "this"},
		{"a version of the backend may be invoked", "lambda:InvokeFunction",
			"arn:aws:lambda:us-east-1:123456789012:function:backend:7", "allowed", "this"},
		{"another function may not", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:other",
			"implicitDeny", ""},
		{"the quarantine queue takes messages", "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:quarantine",
			"allowed", "this"},
		{"a purge is denied outright", "sqs:PurgeQueue", "arn:aws:sqs:us-east-1:123456789012:quarantine",
			"explicitDeny", "this"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: role.Role.Arn,
				ActionNames: []string{tt.action}, ResourceArns: []string{tt.resource}})
			require.NoError(t, err)
			require.Len(t, out.EvaluationResults, 1)
			r := out.EvaluationResults[0]
			assert.Equal(t, tt.action, aws.ToString(r.EvalActionName))
			assert.Equal(t, tt.resource, aws.ToString(r.EvalResourceName))
			assert.Equal(t, types.PolicyEvaluationDecisionType(tt.decision), r.EvalDecision)
			if tt.matched == "" {
				assert.Empty(t, r.MatchedStatements)
				return
			}
			require.Len(t, r.MatchedStatements, 1)
			assert.Equal(t, tt.matched, aws.ToString(r.MatchedStatements[0].SourcePolicyId))
			assert.Equal(t, types.PolicySourceType("role"), r.MatchedStatements[0].SourcePolicyType)
		})
	}
}

func TestSimulationPagesItsResults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	in := &iam.SimulateCustomPolicyInput{PolicyInputList: []string{routerPolicy},
		ActionNames: []string{"sqs:SendMessage", "sqs:ReceiveMessage", "lambda:InvokeFunction"}, MaxItems: aws.Int32(2)}
	first, err := c.SimulateCustomPolicy(ctx, in)
	require.NoError(t, err)
	require.True(t, first.IsTruncated)
	require.Len(t, first.EvaluationResults, 2)
	in.Marker = first.Marker
	second, err := c.SimulateCustomPolicy(ctx, in)
	require.NoError(t, err)
	assert.False(t, second.IsTruncated)
	require.Len(t, second.EvaluationResults, 1)
	assert.Equal(t, "lambda:InvokeFunction", aws.ToString(second.EvaluationResults[0].EvalActionName))
}

func TestSimulateCustomPolicyUsesContextEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*",` +
		`"Condition":{"StringEquals":{"aws:PrincipalTag/tenant":"acme"}}}]}`
	for _, tt := range []struct {
		tenant, decision string
	}{{"acme", "allowed"}, {"globex", "implicitDeny"}} {
		out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{doc},
			ActionNames: []string{"sqs:SendMessage"}, ContextEntries: []types.ContextEntry{{
				ContextKeyName: aws.String("aws:PrincipalTag/tenant"), ContextKeyType: types.ContextKeyTypeEnumString,
				ContextKeyValues: []string{tt.tenant}}}})
		require.NoError(t, err)
		assert.Equal(t, types.PolicyEvaluationDecisionType(tt.decision), out.EvaluationResults[0].EvalDecision, tt.tenant)
	}
}

func TestSimulatePrincipalPolicyOfAnUnknownRoleIsNoSuchEntity(t *testing.T) {
	t.Parallel()
	_, err := newClient(t).SimulatePrincipalPolicy(context.Background(), &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/none"), ActionNames: []string{"sqs:SendMessage"}})
	var missing *types.NoSuchEntityException
	assert.ErrorAs(t, err, &missing)
}
