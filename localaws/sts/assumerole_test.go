package sts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	localiam "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	localsqs "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
	localsts "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sts"
)

// fixture is an enforcing server with STS, IAM and SQS, driven by the admin's keys.
type fixture struct {
	admin aws.Config
	clock *core.FakeClock
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	clock := core.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	_, cfg := testserver.Start(t, localaws.Config{IAM: localaws.IAMOn, Clock: clock},
		localaws.Use(localsts.New), localaws.Use(localiam.New), localaws.Use(localsqs.New))
	return fixture{admin: cfg, clock: clock}
}

// role creates a role with a trust policy and an inline identity policy.
func (f fixture) role(t *testing.T, name, trust, policy string) string {
	t.Helper()
	ctx := context.Background()
	c := iam.NewFromConfig(f.admin)
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []iamTag{{Key: aws.String("team"), Value: aws.String("from-role")}}})
	require.NoError(t, err)
	if policy != "" {
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(policy)})
		require.NoError(t, err)
	}
	return aws.ToString(out.Role.Arn)
}

func as(cfg aws.Config, c *types.Credentials) aws.Config {
	out := cfg.Copy()
	out.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	return out
}

const (
	account = "000000000000"
	// trustAccountWithTags trusts the account's principals, and lets them tag the session
	// only with a tenant tag.
	trustAccountWithTags = `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"},` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:TagSession",` +
		`"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["tenant","team"]},"Null":{"aws:TagKeys":"false"}}}]}`
	trustAccountNoTags = `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"}]}`
	trustLambdaOnly = `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	// tenantQueues allows sending only to the queue named after the principal's tenant tag.
	tenantQueues = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sts:AssumeRole","sts:TagSession"],` +
		`"Resource":["arn:aws:sqs:us-east-1:000000000000:${aws:PrincipalTag/tenant}","arn:aws:iam::000000000000:role/*"]}]}`
)

type iamTag = iamtypes.Tag

func apiCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func TestAssumeRoleWithTagsScopesTheSessionByItsTag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	roleARN := f.role(t, "tenant", trustAccountWithTags, tenantQueues)
	q := sqs.NewFromConfig(f.admin)
	acme, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("acme")})
	require.NoError(t, err)
	globex, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("globex")})
	require.NoError(t, err)

	out, err := sts.NewFromConfig(f.admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN),
		RoleSessionName: aws.String("acme-worker"), Tags: []types.Tag{{Key: aws.String("tenant"), Value: aws.String("acme")}}})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+account+":assumed-role/tenant/acme-worker", aws.ToString(out.AssumedRoleUser.Arn))
	assert.True(t, strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA"))
	assert.True(t, strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":acme-worker"))
	assert.Equal(t, f.clock.Now().Add(time.Hour), aws.ToTime(out.Credentials.Expiration))

	asAcme := sqs.NewFromConfig(as(f.admin, out.Credentials))
	_, err = asAcme.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: acme.QueueUrl, MessageBody: aws.String("m")})
	require.NoError(t, err)
	_, err = asAcme.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: globex.QueueUrl, MessageBody: aws.String("m")})
	assert.Equal(t, "AccessDenied", apiCode(err))
}

func TestTrustPolicyRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	tagged := f.role(t, "tagged", trustAccountWithTags, "")
	untagged := f.role(t, "untagged", trustAccountNoTags, "")
	lambdaOnly := f.role(t, "lambda-only", trustLambdaOnly, "")
	tenant := []types.Tag{{Key: aws.String("tenant"), Value: aws.String("acme")}}
	tests := []struct {
		name string
		in   sts.AssumeRoleInput
		code string
	}{
		{"a trust policy without sts:TagSession refuses tags", sts.AssumeRoleInput{RoleArn: aws.String(untagged), Tags: tenant},
			"AccessDenied"},
		{"a tag key the trust policy's condition does not list is refused", sts.AssumeRoleInput{RoleArn: aws.String(tagged),
			Tags: []types.Tag{{Key: aws.String("other"), Value: aws.String("x")}}}, "AccessDenied"},
		{"a role only a service may assume refuses users", sts.AssumeRoleInput{RoleArn: aws.String(lambdaOnly)}, "AccessDenied"},
		{"a role that does not exist is a refusal", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/none")},
			"AccessDenied"},
		{"a duration over the role's maximum is invalid", sts.AssumeRoleInput{RoleArn: aws.String(untagged),
			DurationSeconds: aws.Int32(7200)}, "ValidationError"},
		{"a duration under 15 minutes is invalid", sts.AssumeRoleInput{RoleArn: aws.String(untagged),
			DurationSeconds: aws.Int32(899)}, "ValidationError"},
		{"a session name with a space is invalid", sts.AssumeRoleInput{RoleArn: aws.String(untagged),
			RoleSessionName: aws.String("a b")}, "ValidationError"},
		{"tags over the packed size are refused", sts.AssumeRoleInput{RoleArn: aws.String(tagged), Tags: bigTags()},
			"PackedPolicyTooLarge"},
		{"a transitive key must be a requested tag", sts.AssumeRoleInput{RoleArn: aws.String(tagged), Tags: tenant,
			TransitiveTagKeys: []string{"team"}}, "InvalidParameterValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.RoleSessionName == nil {
				in.RoleSessionName = aws.String("session")
			}
			_, err := sts.NewFromConfig(f.admin).AssumeRole(ctx, &in)
			assert.Equal(t, tt.code, apiCode(err), "%v", err)
		})
	}
}

// bigTags are two tags whose values fill more than the packed space allows.
func bigTags() []types.Tag {
	var tags []types.Tag
	for _, k := range []string{"tenant", "team"} {
		for i := range 9 {
			tags = append(tags, types.Tag{Key: aws.String(k + strings.Repeat("x", i+100)), Value: aws.String(strings.Repeat("v", 256))})
		}
	}
	return tags
}

func TestRoleChainingCapsTheSessionAndPassesTransitiveTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	first := f.role(t, "first", trustAccountWithTags, tenantQueues)
	second := f.role(t, "second", trustAccountWithTags, tenantQueues)
	out, err := sts.NewFromConfig(f.admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(first),
		RoleSessionName: aws.String("one"), Tags: []types.Tag{{Key: aws.String("tenant"), Value: aws.String("acme")}},
		TransitiveTagKeys: []string{"tenant"}})
	require.NoError(t, err)
	chain := sts.NewFromConfig(as(f.admin, out.Credentials))

	_, err = chain.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two"),
		DurationSeconds: aws.Int32(3601)})
	assert.Equal(t, "ValidationError", apiCode(err), "role chaining is capped at one hour")
	_, err = chain.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two"),
		Tags: []types.Tag{{Key: aws.String("TENANT"), Value: aws.String("globex")}}})
	assert.Equal(t, "InvalidParameterValue", apiCode(err), "an inherited transitive tag cannot be set again")

	chained, err := chain.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two")})
	require.NoError(t, err)
	q := sqs.NewFromConfig(f.admin)
	acme, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("acme")})
	require.NoError(t, err)
	_, err = sqs.NewFromConfig(as(f.admin, chained.Credentials)).SendMessage(ctx,
		&sqs.SendMessageInput{QueueUrl: acme.QueueUrl, MessageBody: aws.String("m")})
	require.NoError(t, err, "the inherited tenant tag scopes the chained session")
}

func TestExpiredSessionCredentialsAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	roleARN := f.role(t, "short", trustAccountNoTags, "")
	out, err := sts.NewFromConfig(f.admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN),
		RoleSessionName: aws.String("brief"), DurationSeconds: aws.Int32(900)})
	require.NoError(t, err)
	session := sts.NewFromConfig(as(f.admin, out.Credentials))
	_, err = session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	f.clock.Advance(15 * time.Minute)
	_, err = session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	assert.Equal(t, "ExpiredToken", apiCode(err))
	_, err = sqs.NewFromConfig(as(f.admin, out.Credentials)).ListQueues(ctx, &sqs.ListQueuesInput{})
	assert.Equal(t, "ExpiredToken", apiCode(err))
}
