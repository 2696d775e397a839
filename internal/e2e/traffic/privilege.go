package traffic

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Simulate asks IAM (SimulatePrincipalPolicy) whether a role may perform an action on a
// resource, and returns its decision: "allowed", "explicitDeny" or "implicitDeny".
func Simulate(ctx context.Context, cfg aws.Config, roleARN, action, resource string) (string, error) {
	out, err := iam.NewFromConfig(cfg).SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(roleARN), ActionNames: []string{action}, ResourceArns: []string{resource}})
	if err != nil {
		return "", err
	}
	if len(out.EvaluationResults) != 1 {
		return "", fmt.Errorf("simulation of %s on %s: %d results", action, resource, len(out.EvaluationResults))
	}
	return string(out.EvaluationResults[0].EvalDecision), nil
}

// FunctionRole is the execution role ARN of a function.
func FunctionRole(ctx context.Context, cfg aws.Config, name string) (string, error) {
	out, err := lambda.NewFromConfig(cfg).GetFunctionConfiguration(ctx,
		&lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Role), nil
}

// QueueARN is the ARN of the queue at url.
func QueueARN(ctx context.Context, cfg aws.Config, url string) (string, error) {
	out, err := sqs.NewFromConfig(cfg).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return "", err
	}
	return out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], nil
}

// DenyQuarantine adds an inline policy to the router's role that denies it sending to
// the quarantine queue, then sends messages without a tenant (which the router must
// quarantine) until the router's log shows the send refused with AccessDenied, and
// returns that log line. It proves that the function's own calls are authorised as its
// role: the refusal is the one AWS gives.
func DenyQuarantine(ctx context.Context, cfg aws.Config, routerRoleARN, quarantineARN, sourceURL, logGroup string,
	timeout time.Duration) (string, error) {
	role := routerRoleARN[strings.LastIndex(routerRoleARN, "/")+1:]
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"TestDeniesQuarantine","Effect":"Deny",` +
		`"Action":"sqs:SendMessage","Resource":"` + quarantineARN + `"}]}`
	if _, err := iam.NewFromConfig(cfg).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role),
		PolicyName: aws.String("test-deny-quarantine"), PolicyDocument: aws.String(deny)}); err != nil {
		return "", err
	}
	q, logs := sqs.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg)
	deadline := time.Now().Add(timeout)
	start := time.Now().UnixMilli()
	for time.Now().Before(deadline) {
		// IAM changes reach AWS's endpoints within seconds; each message is another try.
		if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(sourceURL),
			MessageBody: aws.String(`{"note":"no tenant: the router must quarantine this"}`)}); err != nil {
			return "", err
		}
		wait := time.Now().Add(15 * time.Second)
		for time.Now().Before(wait) {
			out, err := logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(logGroup),
				StartTime: aws.Int64(start)})
			if err == nil {
				for _, ev := range out.Events {
					if m := aws.ToString(ev.Message); strings.Contains(m, "quarantine_failed") &&
						strings.Contains(m, "AccessDenied") {
						return m, nil
					}
				}
			}
			time.Sleep(time.Second)
		}
	}
	return "", fmt.Errorf("no AccessDenied for the router's quarantine send in %s within %s", logGroup, timeout)
}
