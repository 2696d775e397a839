package actions

import (
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// table is every served operation by signing name, then operation name.
var table = map[string]map[string]Row{
	"sqs":      sqsRows,
	"lambda":   lambdaRows,
	"events":   eventsRows,
	"logs":     logsRows,
	"iam":      iamRows,
	"sts":      stsRows,
	"dynamodb": dynamodbRows,
}

// SQS: every queue operation acts on the queue of QueueUrl; batches ask for the action
// of the single operation (sqs:SendMessage for SendMessageBatch).
var sqsRows = func() map[string]Row {
	byURL := each("QueueUrl", queueOf)
	byName := each("QueueName", func(ref Ref, name string) string { return queueOf(ref, name) })
	rows := map[string]Row{
		"CreateQueue": {Action: "sqs:CreateQueue", Resources: byName},
		"GetQueueUrl": {Action: "sqs:GetQueueUrl", Resources: byName},
		"ListQueues":  {Action: "sqs:ListQueues"},
	}
	for op, action := range map[string]string{
		"DeleteQueue": "DeleteQueue", "GetQueueAttributes": "GetQueueAttributes",
		"SetQueueAttributes": "SetQueueAttributes", "TagQueue": "TagQueue", "UntagQueue": "UntagQueue",
		"ListQueueTags": "ListQueueTags", "PurgeQueue": "PurgeQueue",
		"ListDeadLetterSourceQueues": "ListDeadLetterSourceQueues", "SendMessage": "SendMessage",
		"SendMessageBatch": "SendMessage", "ReceiveMessage": "ReceiveMessage", "DeleteMessage": "DeleteMessage",
		"DeleteMessageBatch": "DeleteMessage", "ChangeMessageVisibility": "ChangeMessageVisibility",
		"ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
	} {
		rows[op] = Row{Action: "sqs:" + action, Resources: byURL}
	}
	return rows
}()

// functionOf is the function ARN of a FunctionName (a name, a partial or full ARN,
// possibly with a qualifier) with the request's Qualifier: qualified ARNs are distinct
// resources, which a policy grants with "<function ARN>:*".
func functionOf(ref Ref, in protocol.Input) string {
	name := protocol.First(in, "FunctionName")
	if isARN(name) {
		return name
	}
	parts := strings.Split(name, ":")
	account := ref.Account
	switch {
	case len(parts) >= 3 && parts[1] == "function": // 123456789012:function:name[:qualifier]
		account, parts = parts[0], parts[2:]
	}
	a := ref
	a.Account = account
	resource := "function:" + strings.Join(parts, ":")
	if q := protocol.First(in, "Qualifier"); q != "" && len(parts) == 1 {
		resource += ":" + q
	}
	return a.arn("lambda", ref.Region, resource)
}

func function(ref Ref, in protocol.Input) []string { return []string{functionOf(ref, in)} }

func mappingOf(ref Ref, uuid string) string {
	return ref.arn("lambda", ref.Region, "event-source-mapping:"+uuid)
}

// Lambda: function operations act on the function (qualified when the request names a
// version); mapping creation and lists have no resource type, only lambda:FunctionArn.
var lambdaRows = func() map[string]Row {
	functionKey := func(in protocol.Input) map[string][]string {
		if protocol.First(in, "FunctionName") == "" {
			return nil
		}
		return map[string][]string{"lambda:FunctionArn": {functionOf(Ref{}, in)}}
	}
	rows := map[string]Row{
		"CreateFunction": {Action: "lambda:CreateFunction", Resources: function,
			Also: func(ref Ref, in protocol.Input) []core.AccessRequest {
				return []core.AccessRequest{{Action: "iam:PassRole", Resource: protocol.First(in, "Role"),
					Keys: map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}}}
			}},
		"ListFunctions":            {Action: "lambda:ListFunctions"},
		"GetAccountSettings":       {Action: "lambda:GetAccountSettings"},
		"ListEventSourceMappings":  {Action: "lambda:ListEventSourceMappings"},
		"CreateEventSourceMapping": {Action: "lambda:CreateEventSourceMapping", Keys: functionKey},
		"Invoke":                   {Action: "lambda:InvokeFunction", Resources: function},
		"ListFunctionEventInvokeConfigs": {Action: "lambda:ListFunctionEventInvokeConfigs",
			Resources: function},
		"UpdateFunctionEventInvokeConfig": {Action: "lambda:UpdateFunctionEventInvokeConfig",
			Resources: function},
	}
	for _, op := range []string{"GetFunction", "DeleteFunction", "GetFunctionConfiguration",
		"UpdateFunctionConfiguration", "UpdateFunctionCode", "PublishVersion", "ListVersionsByFunction",
		"GetFunctionCodeSigningConfig", "DeleteFunctionCodeSigningConfig", "PutFunctionConcurrency",
		"GetFunctionConcurrency", "DeleteFunctionConcurrency", "AddPermission", "GetPolicy", "RemovePermission",
		"PutFunctionEventInvokeConfig", "GetFunctionEventInvokeConfig", "DeleteFunctionEventInvokeConfig"} {
		rows[op] = Row{Action: "lambda:" + op, Resources: function}
	}
	for _, op := range []string{"GetEventSourceMapping", "UpdateEventSourceMapping", "DeleteEventSourceMapping"} {
		rows[op] = Row{Action: "lambda:" + op, Resources: each("UUID", mappingOf), Keys: functionKey}
	}
	byResource := each("Resource", func(_ Ref, arn string) string { return arn })
	for _, op := range []string{"ListTags", "TagResource", "UntagResource"} {
		rows[op] = Row{Action: "lambda:" + op, Resources: byResource}
	}
	return rows
}()

// busOf is the event bus ARN of a bus name or ARN; "" is the default bus.
func busOf(ref Ref, name string) string {
	if isARN(name) {
		return name
	}
	if name == "" {
		name = "default"
	}
	return ref.arn("events", ref.Region, "event-bus/"+name)
}

// ruleOf is the ARN of the rule named at member on the request's EventBusName.
func ruleOf(member string) func(Ref, protocol.Input) []string {
	return func(ref Ref, in protocol.Input) []string {
		name, bus := protocol.First(in, member), protocol.First(in, "EventBusName")
		if i := strings.LastIndex(bus, "/"); isARN(bus) && i >= 0 {
			bus = bus[i+1:]
		}
		if bus == "" || bus == "default" {
			return []string{ref.arn("events", ref.Region, "rule/"+name)}
		}
		return []string{ref.arn("events", ref.Region, "rule/"+bus+"/"+name)}
	}
}

// EventBridge: buses and rules by ARN; PutEvents acts on the bus of each entry.
var eventsRows = func() map[string]Row {
	bus := each("Name", busOf)
	rows := map[string]Row{
		"CreateEventBus": {Action: "events:CreateEventBus", Resources: bus,
			Keys: requestTags("Tags", "Key", "Value")},
		"DescribeEventBus":      {Action: "events:DescribeEventBus", Resources: bus},
		"UpdateEventBus":        {Action: "events:UpdateEventBus", Resources: bus},
		"DeleteEventBus":        {Action: "events:DeleteEventBus", Resources: bus},
		"ListEventBuses":        {Action: "events:ListEventBuses"},
		"ListRules":             {Action: "events:ListRules"},
		"TestEventPattern":      {Action: "events:TestEventPattern"},
		"ListRuleNamesByTarget": {Action: "events:ListRuleNamesByTarget"},
		"PutEvents":             {Action: "events:PutEvents", Resources: putEventsBuses},
		"PutTargets":            {Action: "events:PutTargets", Resources: ruleOf("Rule")},
		"ListTargetsByRule":     {Action: "events:ListTargetsByRule", Resources: ruleOf("Rule")},
		"RemoveTargets":         {Action: "events:RemoveTargets", Resources: ruleOf("Rule")},
	}
	for _, op := range []string{"PutRule", "DescribeRule", "EnableRule", "DisableRule", "DeleteRule"} {
		rows[op] = Row{Action: "events:" + op, Resources: ruleOf("Name")}
	}
	byARN := each("ResourceARN", func(_ Ref, arn string) string { return arn })
	for _, op := range []string{"UntagResource", "ListTagsForResource"} {
		rows[op] = Row{Action: "events:" + op, Resources: byARN}
	}
	rows["TagResource"] = Row{Action: "events:TagResource", Resources: byARN, Keys: requestTags("Tags", "Key", "Value")}
	return rows
}()

// putEventsBuses are the distinct buses of PutEvents's entries.
func putEventsBuses(ref Ref, in protocol.Input) []string {
	entries := len(in.Strings("Entries.DetailType")) + len(in.Strings("Entries.Source"))
	names := in.Strings("Entries.EventBusName")
	seen := map[string]bool{}
	var out []string
	if len(names) < entries || len(names) == 0 {
		names = append(names, "")
	}
	for _, n := range names {
		if a := busOf(ref, n); !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// groupOf is the log group ARN that IAM policies name, with its trailing ":*".
func groupOf(ref Ref, name string) string {
	return ref.arn("logs", ref.Region, "log-group:"+name+":*")
}

// logGroup reads logGroupName, else logGroupIdentifier (a name or an ARN).
func logGroup(ref Ref, in protocol.Input) string {
	name := protocol.First(in, "logGroupName")
	if name == "" {
		name = protocol.First(in, "logGroupIdentifier")
		if isARN(name) {
			return strings.TrimSuffix(name, ":*") + ":*"
		}
	}
	return groupOf(ref, name)
}

func logStream(ref Ref, in protocol.Input) []string {
	group := strings.TrimSuffix(logGroup(ref, in), ":*")
	return []string{group + ":log-stream:" + protocol.First(in, "logStreamName")}
}

// CloudWatch Logs: group operations act on "log-group:<name>:*", stream operations on
// the stream's ARN, and the resource tagging operations on the ARN given.
var logsRows = func() map[string]Row {
	group := func(ref Ref, in protocol.Input) []string { return []string{logGroup(ref, in)} }
	rows := map[string]Row{
		"DescribeLogGroups": {Action: "logs:DescribeLogGroups"},
		"CreateLogStream":   {Action: "logs:CreateLogStream", Resources: logStream},
		"DeleteLogStream":   {Action: "logs:DeleteLogStream", Resources: logStream},
		"PutLogEvents":      {Action: "logs:PutLogEvents", Resources: logStream},
		"GetLogEvents":      {Action: "logs:GetLogEvents", Resources: logStream},
	}
	for _, op := range []string{"CreateLogGroup", "DeleteLogGroup", "PutRetentionPolicy", "DeleteRetentionPolicy",
		"PutLogGroupDeletionProtection", "AssociateKmsKey", "DisassociateKmsKey", "TagLogGroup", "UntagLogGroup",
		"ListTagsLogGroup", "DescribeLogStreams", "FilterLogEvents"} {
		rows[op] = Row{Action: "logs:" + op, Resources: group}
	}
	byARN := each("resourceArn", func(_ Ref, arn string) string { return arn })
	for _, op := range []string{"TagResource", "UntagResource", "ListTagsForResource"} {
		rows[op] = Row{Action: "logs:" + op, Resources: byARN}
	}
	return rows
}()

// roleOf is the role ARN of a RoleName. IAM names roles by path too; localaws's table
// does not know a role's path, so it names the role as created at "/".
func roleOf(ref Ref, name string) string { return ref.arn("iam", "", "role/"+name) }

// IAM: role operations act on the role, policy operations on the policy ARN.
var iamRows = func() map[string]Row {
	role := each("RoleName", roleOf)
	policy := each("PolicyArn", func(_ Ref, arn string) string { return arn })
	rows := map[string]Row{
		"ListRoles":                     {Action: "iam:ListRoles"},
		"ListPolicies":                  {Action: "iam:ListPolicies"},
		"SimulateCustomPolicy":          {Action: "iam:SimulateCustomPolicy"},
		"GetContextKeysForCustomPolicy": {Action: "iam:GetContextKeysForCustomPolicy"},
		"GetContextKeysForPrincipalPolicy": {Action: "iam:GetContextKeysForPrincipalPolicy",
			Resources: each("PolicySourceArn", func(_ Ref, arn string) string { return arn })},
		"SimulatePrincipalPolicy": {Action: "iam:SimulatePrincipalPolicy",
			Resources: each("PolicySourceArn", func(_ Ref, arn string) string { return arn })},
		"CreatePolicy": {Action: "iam:CreatePolicy", Keys: requestTags("Tags", "Key", "Value"), Resources: func(ref Ref, in protocol.Input) []string {
			path := protocol.First(in, "Path")
			if path == "" {
				path = "/"
			}
			return []string{ref.arn("iam", "", "policy"+path+protocol.First(in, "PolicyName"))}
		}},
	}
	tags := requestTags("Tags", "Key", "Value")
	rows["CreateRole"] = Row{Action: "iam:CreateRole", Resources: role, Keys: tags}
	rows["TagRole"] = Row{Action: "iam:TagRole", Resources: role, Keys: tags}
	rows["TagPolicy"] = Row{Action: "iam:TagPolicy", Resources: policy, Keys: tags}
	for _, op := range []string{"GetRole", "DeleteRole", "UpdateRole", "UpdateRoleDescription",
		"UpdateAssumeRolePolicy", "UntagRole", "ListRoleTags", "PutRolePermissionsBoundary",
		"DeleteRolePermissionsBoundary", "ListInstanceProfilesForRole", "PutRolePolicy", "GetRolePolicy",
		"DeleteRolePolicy", "ListRolePolicies", "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies"} {
		rows[op] = Row{Action: "iam:" + op, Resources: role}
	}
	for _, op := range []string{"GetPolicy", "DeletePolicy", "CreatePolicyVersion", "GetPolicyVersion",
		"DeletePolicyVersion", "ListPolicyVersions", "SetDefaultPolicyVersion", "ListEntitiesForPolicy",
		"UntagPolicy", "ListPolicyTags"} {
		rows[op] = Row{Action: "iam:" + op, Resources: policy}
	}
	return rows
}()

// STS: GetCallerIdentity needs no permission (AWS allows it even under an explicit
// deny), so it has no row's requests; AssumeRole's trust check is the service's own,
// because it needs the session tags and the role.
var stsRows = map[string]Row{
	"GetCallerIdentity": {},
	"AssumeRole":        {},
}
