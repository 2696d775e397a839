package dynamodb

import (
	"context"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// authorize asks the account's policies about an item operation with its item-level
// condition keys (dynamodb:LeadingKeys, Attributes, Select, ReturnValues,
// ReturnConsumedCapacity), which only the service can read from the request. The
// server's guard leaves item operations to this call (localaws/iam/actions), so each is
// judged once, with its keys, as AWS judges one request context; the control plane's
// operations are the guard's alone. The codec words a denial as DynamoDB does:
// AccessDeniedException, 400.
func (s *Service) authorize(ctx context.Context, reqs ...core.AccessRequest) error {
	return s.env.Authorize(ctx, reqs...)
}

// tableARN is the ARN of the table of that name in this account and region.
func (s *Service) tableARN(name string) string {
	return s.env.ARN("dynamodb", s.env.Region, "table/"+name)
}

// onTable is an AccessRequest for action on one table (or its index) with keys.
func (s *Service) onTable(action, table, indexName string, keys map[string][]string) core.AccessRequest {
	res := s.tableARN(table)
	if indexName != "" {
		res += "/index/" + indexName
	}
	return core.AccessRequest{Action: "dynamodb:" + action, Resource: res, Keys: keys}
}

// tableFromARN reads a table name from a table ARN of this account and region.
func (s *Service) tableFromARN(arn string) (string, bool) {
	prefix := s.tableARN("")
	name, ok := strings.CutPrefix(arn, prefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}
