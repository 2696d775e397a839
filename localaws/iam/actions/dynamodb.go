package actions

// tableOf is the ARN of a table name (or of a table ARN given as TableName).
func tableOf(ref Ref, name string) string {
	if isARN(name) {
		return name
	}
	return ref.arn("dynamodb", ref.Region, "table/"+name)
}

// DynamoDB: table operations act on the table. Item operations (single items, batches,
// transactions, Query and Scan) ask nothing here: the service asks for each with its
// item-level keys (dynamodb:LeadingKeys, Attributes, Select…), because IAM judges one
// request context, and a first judgement without those keys would refuse what a policy
// allows only when they are present ("Null": {"dynamodb:LeadingKeys": "false"}, AWS's
// guard for ForAllValues).
var dynamodbRows = func() map[string]Row {
	table := each("TableName", tableOf)
	rows := map[string]Row{
		"ListTables":        {Action: "dynamodb:ListTables"},
		"DescribeLimits":    {Action: "dynamodb:DescribeLimits"},
		"DescribeEndpoints": {Action: "dynamodb:DescribeEndpoints"},
	}
	for _, op := range []string{"PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
		"BatchWriteItem", "TransactGetItems", "TransactWriteItems"} {
		rows[op] = Row{}
	}
	for _, op := range []string{"CreateTable", "DescribeTable", "UpdateTable", "DeleteTable", "DescribeTimeToLive",
		"UpdateTimeToLive", "DescribeContinuousBackups", "UpdateContinuousBackups"} {
		rows[op] = Row{Action: "dynamodb:" + op, Resources: table}
	}
	byARN := each("ResourceArn", func(_ Ref, arn string) string { return arn })
	for _, op := range []string{"TagResource", "UntagResource", "ListTagsOfResource"} {
		rows[op] = Row{Action: "dynamodb:" + op, Resources: byARN}
	}
	return rows
}()
