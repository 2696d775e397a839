package actions_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/actions"
)

// members is an Input over fixed values.
type members map[string][]string

func (m members) Strings(path string) []string { return m[path] }

func TestRowsNameTheActionAndResourcesOfTheServiceAuthorizationReference(t *testing.T) {
	t.Parallel()
	const acct = "arn:aws:%s:us-east-1:000000000000:"
	arn := func(service, rest string) string { return strings.Replace(acct, "%s", service, 1) + rest }
	tests := []struct {
		name        string
		service, op string
		in          members
		want        []core.AccessRequest
	}{
		{"a batch send asks for sqs:SendMessage on its queue", "sqs", "SendMessageBatch",
			members{"QueueUrl": {"http://127.0.0.1:4566/000000000000/orders"}},
			[]core.AccessRequest{{Action: "sqs:SendMessage", Resource: arn("sqs", "orders")}}},
		{"listing queues has no resource", "sqs", "ListQueues", members{},
			[]core.AccessRequest{{Action: "sqs:ListQueues", Resource: "*"}}},
		{"invoke names the function", "lambda", "Invoke", members{"FunctionName": {"backend"}},
			[]core.AccessRequest{{Action: "lambda:InvokeFunction", Resource: arn("lambda", "function:backend")}}},
		{"invoke of a version names the qualified function", "lambda", "Invoke",
			members{"FunctionName": {"backend"}, "Qualifier": {"3"}},
			[]core.AccessRequest{{Action: "lambda:InvokeFunction", Resource: arn("lambda", "function:backend:3")}}},
		{"invoke by partial ARN names the function", "lambda", "Invoke",
			members{"FunctionName": {"000000000000:function:backend"}},
			[]core.AccessRequest{{Action: "lambda:InvokeFunction", Resource: arn("lambda", "function:backend")}}},
		{"get function by name", "lambda", "GetFunction", members{"FunctionName": {"f"}},
			[]core.AccessRequest{{Action: "lambda:GetFunction", Resource: arn("lambda", "function:f")}}},
		{"creating a function passes its role to Lambda", "lambda", "CreateFunction",
			members{"FunctionName": {"f"}, "Role": {"arn:aws:iam::000000000000:role/r"}},
			[]core.AccessRequest{{Action: "lambda:CreateFunction", Resource: arn("lambda", "function:f")},
				{Action: "iam:PassRole", Resource: "arn:aws:iam::000000000000:role/r",
					Keys: map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}}}},
		{"put events without a bus name is the default bus", "events", "PutEvents",
			members{"Entries.Source": {"a", "b"}},
			[]core.AccessRequest{{Action: "events:PutEvents", Resource: arn("events", "event-bus/default")}}},
		{"put events on a named bus", "events", "PutEvents",
			members{"Entries.Source": {"a"}, "Entries.EventBusName": {"orders"}},
			[]core.AccessRequest{{Action: "events:PutEvents", Resource: arn("events", "event-bus/orders")}}},
		{"a rule on a custom bus", "events", "PutTargets", members{"Rule": {"r"}, "EventBusName": {"orders"}},
			[]core.AccessRequest{{Action: "events:PutTargets", Resource: arn("events", "rule/orders/r")}}},
		{"log events go to the stream", "logs", "PutLogEvents",
			members{"logGroupName": {"/aws/lambda/f"}, "logStreamName": {"s"}},
			[]core.AccessRequest{{Action: "logs:PutLogEvents", Resource: arn("logs", "log-group:/aws/lambda/f:log-stream:s")}}},
		{"a log group is named with its trailing :*", "logs", "CreateLogGroup",
			members{"logGroupName": {"/aws/lambda/f"}},
			[]core.AccessRequest{{Action: "logs:CreateLogGroup", Resource: arn("logs", "log-group:/aws/lambda/f:*")}}},
		{"creating a role carries its tags as request keys", "iam", "CreateRole",
			members{"RoleName": {"r"}, "Tags.Key": {"team"}, "Tags.Value": {"blue"}},
			[]core.AccessRequest{{Action: "iam:CreateRole", Resource: "arn:aws:iam::000000000000:role/r",
				Keys: map[string][]string{"aws:TagKeys": {"team"}, "aws:RequestTag/team": {"blue"}}}}},
		{"a batch read is left to the service, which asks with its leading keys", "dynamodb", "BatchGetItem",
			members{"RequestItems.*": {"a", "b"}}, nil},
		{"a transaction is left to the service, which asks for each item's own action", "dynamodb", "TransactWriteItems",
			members{"TransactItems.Put.TableName": {"a"}, "TransactItems.Delete.TableName": {"b"}}, nil},
		{"a single-item write is left to the service", "dynamodb", "PutItem", members{"TableName": {"a"}}, nil},
		{"GetCallerIdentity needs no permission", "sts", "GetCallerIdentity", members{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, ok := actions.Lookup(tt.service, tt.op)
			require.True(t, ok)
			assert.Equal(t, tt.want, row.Requests(actions.Ref{Region: "us-east-1", Account: "000000000000"}, tt.in))
		})
	}
}
