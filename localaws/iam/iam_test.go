package iam_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	localiam "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
)

const account = "123456789012"

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newClient(t *testing.T) *iam.Client {
	t.Helper()
	_, cfg := testserver.Start(t, localaws.Config{Account: account, Clock: core.NewFakeClock(epoch)},
		localaws.Use(localiam.New))
	return iam.NewFromConfig(cfg)
}

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func identityDoc(resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Send","Effect":"Allow","Action":"sqs:SendMessage","Resource":"` +
		resource + `"}]}`
}

func createRole(t *testing.T, c *iam.Client, name string) *types.Role {
	t.Helper()
	out, err := c.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String(name),
		AssumeRolePolicyDocument: aws.String(trust)})
	require.NoError(t, err)
	return out.Role
}

// requireAPIError asserts the error code and HTTP status the SDK saw.
func requireAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	assert.Equal(t, code, apiErr.ErrorCode(), apiErr.ErrorMessage())
	var respErr *awshttp.ResponseError
	require.True(t, errors.As(err, &respErr))
	assert.Equal(t, status, respErr.HTTPStatusCode())
}

func TestRoleLifecycle(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("worker"), Path: aws.String("/tenants/"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("backend role"), MaxSessionDuration: aws.Int32(7200),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
	})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::"+account+":role/tenants/worker", aws.ToString(out.Role.Arn))
	assert.Regexp(t, regexp.MustCompile(`^AROA[A-Z2-7]{17}$`), aws.ToString(out.Role.RoleId))

	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("worker")})
	require.NoError(t, err)
	r := got.Role
	assert.Equal(t, aws.ToString(out.Role.RoleId), aws.ToString(r.RoleId))
	assert.Equal(t, "/tenants/", aws.ToString(r.Path))
	assert.Equal(t, epoch, aws.ToTime(r.CreateDate))
	assert.Equal(t, "backend role", aws.ToString(r.Description))
	assert.Equal(t, int32(7200), aws.ToInt32(r.MaxSessionDuration))
	doc, err := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument))
	require.NoError(t, err)
	assert.JSONEq(t, trust, doc)
	assert.Equal(t, []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}, r.Tags)

	_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("worker"), Description: aws.String("new"),
		MaxSessionDuration: aws.Int32(3600)})
	require.NoError(t, err)
	newTrust := strings.Replace(trust, "lambda.amazonaws.com", "events.amazonaws.com", 1)
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("worker"),
		PolicyDocument: aws.String(newTrust)})
	require.NoError(t, err)
	got, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("WORKER")})
	require.NoError(t, err, "role names are case-insensitive")
	assert.Equal(t, "new", aws.ToString(got.Role.Description))
	assert.Equal(t, int32(3600), aws.ToInt32(got.Role.MaxSessionDuration))
	doc, _ = url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument))
	assert.JSONEq(t, newTrust, doc)

	profiles, err := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("worker")})
	require.NoError(t, err)
	assert.Empty(t, profiles.InstanceProfiles)
	assert.False(t, profiles.IsTruncated)

	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("worker")})
	require.NoError(t, err)
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("worker")})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
}

func TestPermissionsBoundaryAndDescription(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	boundary := "arn:aws:iam::aws:policy/PowerUserAccess"
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust),
		PermissionsBoundary: aws.String(boundary)})
	require.NoError(t, err)
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	require.NoError(t, err)
	require.NotNil(t, got.Role.PermissionsBoundary)
	assert.Equal(t, boundary, aws.ToString(got.Role.PermissionsBoundary.PermissionsBoundaryArn))
	assert.Equal(t, types.PermissionsBoundaryAttachmentTypePolicy, got.Role.PermissionsBoundary.PermissionsBoundaryType)

	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"),
		PermissionsBoundary: aws.String("arn:aws:iam::" + account + ":policy/missing")})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
	_, err = c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("r")})
	require.NoError(t, err)

	updated, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("r"), Description: aws.String("d")})
	require.NoError(t, err)
	assert.Equal(t, "d", aws.ToString(updated.Role.Description))
	assert.Nil(t, updated.Role.PermissionsBoundary)

	policy, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(boundary)})
	require.NoError(t, err, "localaws holds PowerUserAccess")
	assert.Equal(t, int32(0), aws.ToInt32(policy.Policy.PermissionsBoundaryUsageCount), "the boundary was removed")
}

func TestPolicyDocumentsRoundTripURLEncoded(t *testing.T) {
	t.Parallel()
	// '+' and spaces are what a naive encoding breaks: url.QueryUnescape turns '+' into a space.
	const value = "a+b c%d/e"
	trustWithPlus := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},` +
		`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"` + value + `"}}}]}`
	identity := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:*\", " +
		"\"Resource\": \"*\", \"Condition\": {\"StringLike\": {\"sqs:Tag\": \"" + value + "\"}}}]\n}"
	c := newClient(t)
	ctx := context.Background()
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustWithPlus)})
	require.NoError(t, err)
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("inline"),
		PolicyDocument: aws.String(identity)})
	require.NoError(t, err)
	created, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("managed"), PolicyDocument: aws.String(identity)})
	require.NoError(t, err)

	tests := []struct {
		name string
		want string
		read func() (string, error)
	}{
		{"role trust policy", trustWithPlus, func() (string, error) {
			out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
			return aws.ToString(out.Role.AssumeRolePolicyDocument), err
		}},
		{"role trust policy in ListRoles", trustWithPlus, func() (string, error) {
			out, err := c.ListRoles(ctx, &iam.ListRolesInput{})
			return aws.ToString(out.Roles[0].AssumeRolePolicyDocument), err
		}},
		{"inline role policy", identity, func() (string, error) {
			out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("inline")})
			return aws.ToString(out.PolicyDocument), err
		}},
		{"managed policy version", identity, func() (string, error) {
			out, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: created.Policy.Arn, VersionId: aws.String("v1")})
			return aws.ToString(out.PolicyVersion.Document), err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := tt.read()
			require.NoError(t, err)
			assert.NotContains(t, raw, "+", "a raw '+' would decode to a space")
			assert.NotContains(t, raw, " ")
			decoded, err := url.QueryUnescape(raw)
			require.NoError(t, err)
			assert.Equal(t, tt.want, decoded, "the document comes back byte for byte")
			pathDecoded, err := url.PathUnescape(raw)
			require.NoError(t, err)
			assert.Equal(t, tt.want, pathDecoded)
		})
	}
}

func TestRoleErrors(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	createRole(t, c, "existing")
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"missing role is NoSuchEntity", func() error {
			_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404},
		{"duplicate name differing in case is EntityAlreadyExists", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EXISTING"), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}, "EntityAlreadyExists", 409},
		{"invalid role name is ValidationError", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad name!"), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}, "ValidationError", 400},
		{"role name over 64 characters is ValidationError", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 65)), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}, "ValidationError", 400},
		{"invalid path is ValidationError", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("p"), Path: aws.String("no-slashes"), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}, "ValidationError", 400},
		{"max session duration out of range is ValidationError", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("m"), MaxSessionDuration: aws.Int32(60), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}, "ValidationError", 400},
		{"trust policy that is not JSON is MalformedPolicyDocument", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("j"), AssumeRolePolicyDocument: aws.String(`{"Statement": [`)})
			return err
		}, "MalformedPolicyDocument", 400},
		{"trust policy with a Resource is MalformedPolicyDocument", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("res"), AssumeRolePolicyDocument: aws.String(
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400},
		{"unknown policy version is MalformedPolicyDocument", func() error {
			_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("existing"),
				PolicyDocument: aws.String(strings.Replace(trust, "2012-10-17", "2020-01-01", 1))})
			return err
		}, "MalformedPolicyDocument", 400},
		{"inline policy with a Principal is MalformedPolicyDocument", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("existing"), PolicyName: aws.String("p"),
				PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400},
		{"inline policy without Resource is MalformedPolicyDocument", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("existing"), PolicyName: aws.String("p"),
				PolicyDocument: aws.String(`{"Statement":{"Effect":"Allow","Action":"s3:*"}}`)})
			return err
		}, "MalformedPolicyDocument", 400},
		{"inline policy with an unknown condition operator is MalformedPolicyDocument", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("existing"), PolicyName: aws.String("p"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",` +
					`"Condition":{"StringEqualz":{"aws:username":"x"}}}}`)})
			return err
		}, "MalformedPolicyDocument", 400},
		{"trust policy without a Principal is MalformedPolicyDocument", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("np"),
				AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400},
		{"trust policy naming roles by wildcard is MalformedPolicyDocument", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("wild"),
				AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
					`"Principal":{"AWS":"arn:aws:iam::` + account + `:role/*"},"Action":"sts:AssumeRole"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400},
		{"inline policy on a missing role is NoSuchEntity", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("p"),
				PolicyDocument: aws.String(identityDoc("*"))})
			return err
		}, "NoSuchEntity", 404},
		{"missing inline policy is NoSuchEntity", func() error {
			_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("existing"), PolicyName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404},
		{"instance profiles of a missing role is NoSuchEntity", func() error {
			_, err := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404},
		{"more than 50 tags is LimitExceeded", func() error {
			tags := make([]types.Tag, 51)
			for i := range tags {
				tags[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
			}
			_, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("existing"), Tags: tags})
			return err
		}, "LimitExceeded", 409},
		{"unknown action names the service and the action", func() error {
			_, err := c.GetUser(ctx, &iam.GetUserInput{})
			if err != nil && !strings.Contains(err.Error(), `iam: action "GetUser"`) {
				return fmt.Errorf("message does not name service and action: %w", err)
			}
			return err
		}, "InvalidAction", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireAPIError(t, tt.call(), tt.code, tt.status)
		})
	}

	t.Run("NoSuchEntity is the SDK's modelled exception", func(t *testing.T) {
		_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
		var nse *types.NoSuchEntityException
		require.ErrorAs(t, err, &nse)
		assert.Contains(t, nse.ErrorMessage(), "nope")
	})
}

func TestDeleteRoleConflicts(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	createRole(t, c, "r")
	managed := "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

	_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("send"),
		PolicyDocument: aws.String(identityDoc("*"))})
	require.NoError(t, err)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	requireAPIError(t, err, "DeleteConflict", http.StatusConflict)
	var conflict *types.DeleteConflictException
	require.ErrorAs(t, err, &conflict)

	_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("send")})
	require.NoError(t, err)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(managed)})
	require.NoError(t, err)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	requireAPIError(t, err, "DeleteConflict", http.StatusConflict)

	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(managed)})
	require.NoError(t, err)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	require.NoError(t, err)
}

func TestInlinePolicies(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	createRole(t, c, "r")
	for _, name := range []string{"b", "a", "c"} {
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(name),
			PolicyDocument: aws.String(identityDoc("arn:aws:sqs:us-east-1:" + account + ":" + name))})
		require.NoError(t, err)
	}
	// Put replaces.
	_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a"),
		PolicyDocument: aws.String(identityDoc("*"))})
	require.NoError(t, err)

	list, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("r")})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, list.PolicyNames)
	got, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a")})
	require.NoError(t, err)
	assert.Equal(t, "r", aws.ToString(got.RoleName))
	doc, _ := url.QueryUnescape(aws.ToString(got.PolicyDocument))
	assert.Equal(t, identityDoc("*"), doc)

	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("big"),
		PolicyDocument: aws.String(identityDoc("arn:aws:sqs:::" + strings.Repeat("x", 10240)))})
	requireAPIError(t, err, "LimitExceeded", http.StatusConflict)

	_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("b")})
	require.NoError(t, err)
	_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("b")})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
}

func TestManagedPolicies(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	createRole(t, c, "r")
	created, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("send"), Path: aws.String("/app/"),
		PolicyDocument: aws.String(identityDoc("*")), Description: aws.String("send messages"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	require.NoError(t, err)
	arn := aws.ToString(created.Policy.Arn)
	assert.Equal(t, "arn:aws:iam::"+account+":policy/app/send", arn)
	assert.Regexp(t, `^ANPA[A-Z2-7]{17}$`, aws.ToString(created.Policy.PolicyId))
	assert.Equal(t, "v1", aws.ToString(created.Policy.DefaultVersionId))

	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("send"), PolicyDocument: aws.String(identityDoc("*"))})
	requireAPIError(t, err, "EntityAlreadyExists", http.StatusConflict)

	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")})
	require.NoError(t, err, "AWS managed policies are accepted without validation")
	attached, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")})
	require.NoError(t, err)
	assert.Equal(t, []types.AttachedPolicy{
		{PolicyName: aws.String("send"), PolicyArn: aws.String(arn)},
		{PolicyName: aws.String("AWSXRayDaemonWriteAccess"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")},
	}, attached.AttachedPolicies)

	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	assert.Equal(t, int32(1), aws.ToInt32(got.Policy.AttachmentCount))
	assert.Equal(t, "send messages", aws.ToString(got.Policy.Description))
	assert.Len(t, got.Policy.Tags, 1)
	entities, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	require.Len(t, entities.PolicyRoles, 1)
	assert.Equal(t, "r", aws.ToString(entities.PolicyRoles[0].RoleName))

	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	requireAPIError(t, err, "DeleteConflict", http.StatusConflict)
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)

	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
			PolicyDocument: aws.String(identityDoc(fmt.Sprint("arn:aws:sqs:::q", i))), SetAsDefault: i == 3})
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("v%d", i), aws.ToString(v.PolicyVersion.VersionId))
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(identityDoc("arn:aws:sqs:::q6"))})
	requireAPIError(t, err, "LimitExceeded", http.StatusConflict)
	got, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	assert.Equal(t, "v3", aws.ToString(got.Policy.DefaultVersionId))

	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	requireAPIError(t, err, "DeleteConflict", http.StatusConflict)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	requireAPIError(t, err, "DeleteConflict", http.StatusConflict)

	versions, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	require.Len(t, versions.Versions, 5)
	assert.Equal(t, "v5", aws.ToString(versions.Versions[0].VersionId), "newest first")
	for _, v := range versions.Versions {
		assert.Equal(t, aws.ToString(v.VersionId) == "v3", v.IsDefaultVersion)
		if !v.IsDefaultVersion {
			_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: v.VersionId})
			require.NoError(t, err)
		}
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)

	t.Run("attaching a missing customer policy is NoSuchEntity", func(t *testing.T) {
		_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)})
		requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
	})
	t.Run("attaching a malformed ARN is InvalidInput", func(t *testing.T) {
		_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"),
			PolicyArn: aws.String("arn:aws:s3:::not-a-policy-at-all")})
		requireAPIError(t, err, "InvalidInput", http.StatusBadRequest)
	})
	t.Run("managed policy over 6144 characters is LimitExceeded", func(t *testing.T) {
		_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("big"),
			PolicyDocument: aws.String(identityDoc("arn:aws:sqs:::" + strings.Repeat("x", 6144)))})
		requireAPIError(t, err, "LimitExceeded", http.StatusConflict)
	})
}

func TestListRolesPaginates(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	for _, name := range []string{"e", "c", "a", "d", "b"} {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
			Path: aws.String(map[bool]string{true: "/odd/", false: "/"}[strings.Contains("ace", name)])})
		require.NoError(t, err)
	}
	tests := []struct {
		name   string
		prefix *string
		want   []string
	}{
		{"all roles in name order", nil, []string{"a", "b", "c", "d", "e"}},
		{"path prefix filters", aws.String("/odd/"), []string{"a", "c", "e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var names []string
			pages := 0
			p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{PathPrefix: tt.prefix, MaxItems: aws.Int32(2)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(page.Roles), 2)
				pages++
				for _, r := range page.Roles {
					names = append(names, aws.ToString(r.RoleName))
					assert.Nil(t, r.Tags, "ListRoles leaves tags out")
				}
			}
			assert.Equal(t, tt.want, names)
			assert.Equal(t, (len(tt.want)+1)/2, pages)
		})
	}
}

func TestRoleTags(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	createRole(t, c, "r")
	_, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{
		{Key: aws.String("Env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("core")}}})
	require.NoError(t, err)
	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("prod")}}})
	require.NoError(t, err, "keys differing only in case overwrite")
	_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"TEAM", "absent"}})
	require.NoError(t, err)
	out, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("r")})
	require.NoError(t, err)
	assert.Equal(t, []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}, out.Tags)

	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}})
	requireAPIError(t, err, "InvalidInput", http.StatusBadRequest)
}

// The AWS managed policies localaws holds answer the read calls that Terraform's
// aws_iam_policy data source and IAM's console make, with AWS's IDs, versions and documents.
func TestAWSManagedPoliciesAreReadable(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ctx := context.Background()
	basic := "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	createRole(t, c, "r")
	_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(basic)})
	require.NoError(t, err)

	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(basic)})
	require.NoError(t, err)
	assert.Equal(t, "AWSLambdaBasicExecutionRole", aws.ToString(got.Policy.PolicyName))
	assert.Equal(t, "ANPAJNCQGXC42545SKXIK", aws.ToString(got.Policy.PolicyId))
	assert.Equal(t, "/service-role/", aws.ToString(got.Policy.Path))
	assert.Equal(t, "v1", aws.ToString(got.Policy.DefaultVersionId))
	assert.Equal(t, int32(1), aws.ToInt32(got.Policy.AttachmentCount))
	assert.Equal(t, "Provides write permissions to CloudWatch Logs.", aws.ToString(got.Policy.Description))
	assert.Equal(t, time.Date(2015, 4, 9, 15, 3, 43, 0, time.UTC), aws.ToTime(got.Policy.CreateDate))

	version, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(basic), VersionId: aws.String("v1")})
	require.NoError(t, err)
	doc, err := url.QueryUnescape(aws.ToString(version.PolicyVersion.Document))
	require.NoError(t, err)
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	  "Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`, doc)
	assert.True(t, version.PolicyVersion.IsDefaultVersion)

	power := "arn:aws:iam::aws:policy/PowerUserAccess"
	versions, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(power)})
	require.NoError(t, err)
	require.Len(t, versions.Versions, 1, "the default version only")
	assert.Equal(t, "v12", aws.ToString(versions.Versions[0].VersionId))

	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("mine"), PolicyDocument: aws.String(identityDoc("*"))})
	require.NoError(t, err)
	names := func(scope types.PolicyScopeType) []string {
		out, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: scope})
		require.NoError(t, err)
		var names []string
		for _, p := range out.Policies {
			names = append(names, aws.ToString(p.PolicyName))
		}
		return names
	}
	assert.Equal(t, []string{"mine"}, names(types.PolicyScopeTypeLocal))
	assert.Contains(t, names(types.PolicyScopeTypeAws), "AWSLambdaSQSQueueExecutionRole")
	assert.NotContains(t, names(types.PolicyScopeTypeAws), "mine")
	assert.Contains(t, names(types.PolicyScopeTypeAll), "mine")
	assert.Contains(t, names(types.PolicyScopeTypeAll), "AdministratorAccess")

	t.Run("an AWS managed policy cannot be changed", func(t *testing.T) {
		_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(power),
			PolicyDocument: aws.String(identityDoc("*"))})
		requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(power)})
		requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
	})
	t.Run("an AWS managed policy localaws does not hold is NoSuchEntity", func(t *testing.T) {
		_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)
	})
}
