package localaws_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
)

// trustAccount lets the account's principals assume a role when their own policies allow it.
const trustAccount = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`

// newRoleSession creates a role with one inline policy, assumes it as the admin and
// returns an SDK config signed with the session's credentials.
func newRoleSession(t *testing.T, admin aws.Config, name, policy string) aws.Config {
	t.Helper()
	ctx := context.Background()
	i := iam.NewFromConfig(admin)
	role, err := i.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name),
		AssumeRolePolicyDocument: aws.String(trustAccount)})
	require.NoError(t, err)
	if policy != "" {
		_, err = i.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name),
			PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)})
		require.NoError(t, err)
	}
	out, err := sts.NewFromConfig(admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn,
		RoleSessionName: aws.String("sess")})
	require.NoError(t, err)
	cfg := admin.Copy()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	return cfg
}

func startEnforcing(t *testing.T) (*localaws.Server, aws.Config) {
	t.Helper()
	return testserver.Start(t, localaws.Config{IAM: localaws.IAMOn})
}

func TestEnforcementAllowsWhatARolePolicyAllowsAndNothingElse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, admin := startEnforcing(t)
	q := sqs.NewFromConfig(admin)
	allowed, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("allowed")})
	require.NoError(t, err)
	other, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("other")})
	require.NoError(t, err)
	session := newRoleSession(t, admin, "sender", `{"Version":"2012-10-17","Statement":[{"Sid":"SendToAllowed",`+
		`"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:000000000000:allowed"}]}`)
	asRole := sqs.NewFromConfig(session)

	_, err = asRole.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: allowed.QueueUrl, MessageBody: aws.String("x")})
	require.NoError(t, err)
	_, err = asRole.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: other.QueueUrl, MessageBody: aws.String("x")})
	requireDenied(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::000000000000:assumed-role/sender/sess is not authorized to perform: sqs:SendMessage "+
			"on resource: arn:aws:sqs:us-east-1:000000000000:other because no identity-based policy allows the "+
			"sqs:SendMessage action")

	who, err := sts.NewFromConfig(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::000000000000:assumed-role/sender/sess", aws.ToString(who.Arn))
}

func TestEachServiceRefusesInItsOwnShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, admin := startEnforcing(t)
	none := newRoleSession(t, admin, "nothing", "")
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"sqs answers AccessDenied with its query code", func() error {
			_, err := sqs.NewFromConfig(none).ListQueues(ctx, &sqs.ListQueuesInput{})
			return err
		}, "AccessDenied", http.StatusForbidden},
		{"lambda answers AccessDeniedException 403", func() error {
			_, err := lambda.NewFromConfig(none).ListFunctions(ctx, &lambda.ListFunctionsInput{})
			return err
		}, "AccessDeniedException", http.StatusForbidden},
		{"eventbridge answers AccessDeniedException 400", func() error {
			_, err := eventbridge.NewFromConfig(none).ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
			return err
		}, "AccessDeniedException", http.StatusBadRequest},
		{"logs answers AccessDeniedException 400", func() error {
			_, err := cloudwatchlogs.NewFromConfig(none).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		}, "AccessDeniedException", http.StatusBadRequest},
		{"iam answers AccessDenied 403", func() error {
			_, err := iam.NewFromConfig(none).ListRoles(ctx, &iam.ListRolesInput{})
			return err
		}, "AccessDenied", http.StatusForbidden},
		{"sts answers AccessDenied 403", func() error {
			_, err := sts.NewFromConfig(none).AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: aws.String("arn:aws:iam::000000000000:role/nothing"), RoleSessionName: aws.String("again")})
			return err
		}, "AccessDenied", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireDenied(t, tt.call(), tt.code, tt.status, "")
		})
	}
}

func TestDecisionsNameTheStatementThatDecided(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, admin := startEnforcing(t)
	q, err := sqs.NewFromConfig(admin).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	session := newRoleSession(t, admin, "denied", `{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"AllowAll","Effect":"Allow","Action":"sqs:*","Resource":"*"},`+
		`{"Sid":"NoPurge","Effect":"Deny","Action":"sqs:PurgeQueue","Resource":"*"}]}`)
	_, err = sqs.NewFromConfig(session).PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: q.QueueUrl})
	requireDenied(t, err, "AccessDenied", http.StatusForbidden, "")

	resp, err := http.Get(srv.URL() + "/_localaws/iam/decisions?effect=ExplicitDeny")
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Decisions []struct {
			Principal, Action, Resource, Effect, Policy, Sid string
		}
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Len(t, body.Decisions, 1)
	d := body.Decisions[0]
	assert.Equal(t, "arn:aws:sts::000000000000:assumed-role/denied/sess", d.Principal)
	assert.Equal(t, "sqs:PurgeQueue", d.Action)
	assert.Equal(t, "arn:aws:sqs:us-east-1:000000000000:q", d.Resource)
	assert.Equal(t, "arn:aws:iam::000000000000:role/denied/inline/p", d.Policy)
	assert.Equal(t, "NoPurge", d.Sid)
}

func TestHealthSaysWhetherIAMIsEnforced(t *testing.T) {
	t.Parallel()
	for _, mode := range []localaws.IAMMode{localaws.IAMOn, localaws.IAMOff} {
		srv, _ := testserver.Start(t, localaws.Config{IAM: mode})
		resp, err := http.Get(srv.URL() + "/_localaws/health")
		require.NoError(t, err)
		var health struct{ IAM string }
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&health))
		_ = resp.Body.Close()
		assert.Equal(t, string(mode), health.IAM)
	}
}

// requireDenied checks an SDK error's code, HTTP status and, when given, message.
func requireDenied(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "want an API error, got %v", err)
	assert.Equal(t, code, apiErr.ErrorCode())
	var respErr *awshttp.ResponseError
	require.True(t, errors.As(err, &respErr))
	assert.Equal(t, status, respErr.HTTPStatusCode())
	if message != "" {
		assert.Equal(t, message, apiErr.ErrorMessage())
	}
}

func TestEventBridgeDeliversToAQueueOnlyForTheRulesItsPolicyNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, admin := startEnforcing(t)
	q := sqs.NewFromConfig(admin)
	eb := eventbridge.NewFromConfig(admin)
	const queueARN = "arn:aws:sqs:us-east-1:000000000000:target"
	allowedRule := "arn:aws:events:us-east-1:000000000000:rule/allowed"
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},` +
		`"Action":"sqs:SendMessage","Resource":"` + queueARN + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + allowedRule + `"}}}]}`
	out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("target"),
		Attributes: map[string]string{"Policy": policy}})
	require.NoError(t, err)
	for _, rule := range []string{"allowed", "other"} {
		_, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(rule),
			EventPattern: aws.String(`{"source":["` + rule + `"]}`)})
		require.NoError(t, err)
		_, err = eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(rule),
			Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(queueARN)}}})
		require.NoError(t, err)
	}
	for _, source := range []string{"other", "allowed"} {
		_, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
			Source: aws.String(source), DetailType: aws.String("t"), Detail: aws.String(`{}`)}}})
		require.NoError(t, err)
	}
	got, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: out.QueueUrl, MaxNumberOfMessages: 10,
		WaitTimeSeconds: 2})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1, "only the rule the queue policy names delivers")
	assert.Contains(t, aws.ToString(got.Messages[0].Body), `"source":"allowed"`)
	more, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: out.QueueUrl, WaitTimeSeconds: 1})
	require.NoError(t, err)
	assert.Empty(t, more.Messages, "the other rule's event was refused, not late")
}
