package traffic

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

// CheckRouterRole reads the router role's policies from IAM and checks their scope.
func CheckRouterRole(ctx context.Context, cfg aws.Config, roleARN, backendARN string) error {
	c := iam.NewFromConfig(cfg)
	role := roleARN[strings.LastIndex(roleARN, "/")+1:]
	attached, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return err
	}
	if len(attached.AttachedPolicies) > 0 {
		return fmt.Errorf("router role %s has managed policies attached (%s); it must carry only its own inline policy",
			role, aws.ToString(attached.AttachedPolicies[0].PolicyArn))
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return err
	}
	docs := make([]string, 0, len(names.PolicyNames))
	for _, n := range names.PolicyNames {
		out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(n)})
		if err != nil {
			return err
		}
		doc, err := url.QueryUnescape(aws.ToString(out.PolicyDocument))
		if err != nil {
			return fmt.Errorf("policy %s: %w", n, err)
		}
		docs = append(docs, doc)
	}
	return verdict.CheckInvokeScope(backendARN, docs...)
}

// FunctionARN is the ARN a function named name has in the caller's account and region.
func FunctionARN(ctx context.Context, cfg aws.Config, name string) (string, error) {
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", cfg.Region, aws.ToString(id.Account), name), nil
}
