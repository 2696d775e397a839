package actions

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// tableOf is the ARN of a table name (or of a table ARN given as TableName).
func tableOf(ref Ref, name string) string {
	if isARN(name) {
		return name
	}
	return ref.arn("dynamodb", ref.Region, "table/"+name)
}

// DynamoDB: table operations act on the table; batches on every table they name, with
// the action of the single-item operation; transactions ask for each item's action.
// dynamodb:LeadingKeys and the other item-level keys are the service's to add.
var dynamodbRows = func() map[string]Row {
	table := each("TableName", tableOf)
	rows := map[string]Row{
		"ListTables":        {Action: "dynamodb:ListTables"},
		"DescribeLimits":    {Action: "dynamodb:DescribeLimits"},
		"DescribeEndpoints": {Action: "dynamodb:DescribeEndpoints"},
		"BatchGetItem":      {Action: "dynamodb:BatchGetItem", Resources: tablesOf("RequestItems.*")},
		"BatchWriteItem":    {Action: "dynamodb:BatchWriteItem", Resources: tablesOf("RequestItems.*")},
		"TransactGetItems":  {Action: "dynamodb:GetItem", Resources: tablesOf("TransactItems.Get.TableName")},
		"TransactWriteItems": {Action: "dynamodb:PutItem", Resources: tablesOf("TransactItems.Put.TableName"),
			Also: transactWrites},
	}
	for _, op := range []string{"CreateTable", "DescribeTable", "UpdateTable", "DeleteTable", "DescribeTimeToLive",
		"UpdateTimeToLive", "DescribeContinuousBackups", "UpdateContinuousBackups", "PutItem", "GetItem",
		"UpdateItem", "DeleteItem", "Query", "Scan"} {
		rows[op] = Row{Action: "dynamodb:" + op, Resources: table}
	}
	byARN := each("ResourceArn", func(_ Ref, arn string) string { return arn })
	for _, op := range []string{"TagResource", "UntagResource", "ListTagsOfResource"} {
		rows[op] = Row{Action: "dynamodb:" + op, Resources: byARN}
	}
	return rows
}()

// tablesOf are the distinct tables named at path; none when it names none.
func tablesOf(path string) func(Ref, protocol.Input) []string {
	return func(ref Ref, in protocol.Input) []string {
		seen := map[string]bool{}
		var out []string
		for _, name := range in.Strings(path) {
			if a := tableOf(ref, name); !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
		return out
	}
}

// transactWrites are a TransactWriteItems's updates, deletes and condition checks.
func transactWrites(ref Ref, in protocol.Input) []core.AccessRequest {
	var reqs []core.AccessRequest
	for _, w := range []struct{ member, action string }{{"Update", "dynamodb:UpdateItem"},
		{"Delete", "dynamodb:DeleteItem"}, {"ConditionCheck", "dynamodb:ConditionCheckItem"}} {
		for _, t := range tablesOf("TransactItems."+w.member+".TableName")(ref, in) {
			reqs = append(reqs, core.AccessRequest{Action: w.action, Resource: t})
		}
	}
	return reqs
}
