package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// stringOrList decodes IAM's "one string or a list of strings" fields.
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

type policyDocument struct {
	Statement []struct {
		Sid      string
		Effect   string
		Action   stringOrList
		Resource stringOrList
	}
}

// CheckInvokeScope verifies that a policy lets its holder invoke exactly the backend
// (and its versions and aliases) and no other function, with no wildcard actions.
func CheckInvokeScope(doc, backendARN string) error {
	var p policyDocument
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return fmt.Errorf("policy is not JSON: %w", err)
	}
	want := []string{backendARN, backendARN + ":*"}
	var invoke []string
	for _, st := range p.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			la := strings.ToLower(a)
			switch {
			case la == "*" || la == "lambda:*" || strings.HasPrefix(la, "lambda:invoke") && strings.Contains(la, "*"):
				return fmt.Errorf("statement %q allows the wildcard action %q", st.Sid, a)
			case la == "lambda:invokefunction":
				invoke = append(invoke, st.Resource...)
			case strings.HasPrefix(la, "lambda:"):
				return fmt.Errorf("statement %q allows %q: the router needs only lambda:InvokeFunction", st.Sid, a)
			}
		}
	}
	sort.Strings(invoke)
	sort.Strings(want)
	if strings.Join(invoke, ",") != strings.Join(want, ",") {
		return fmt.Errorf("lambda:InvokeFunction is allowed on %v, want exactly %v", invoke, want)
	}
	return nil
}

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
	var all policyDocument
	for _, n := range names.PolicyNames {
		out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(n)})
		if err != nil {
			return err
		}
		doc, err := url.QueryUnescape(aws.ToString(out.PolicyDocument))
		if err != nil {
			return fmt.Errorf("policy %s: %w", n, err)
		}
		var p policyDocument
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return fmt.Errorf("policy %s is not JSON: %w", n, err)
		}
		all.Statement = append(all.Statement, p.Statement...)
	}
	merged, err := json.Marshal(all)
	if err != nil {
		return err
	}
	return CheckInvokeScope(string(merged), backendARN)
}

// FunctionARN is the ARN a function named name has in the caller's account and region.
func FunctionARN(ctx context.Context, cfg aws.Config, name string) (string, error) {
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", cfg.Region, aws.ToString(id.Account), name), nil
}
