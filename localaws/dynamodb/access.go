package dynamodb

import (
	"context"
	"errors"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// authorize asks the account's policies about reqs, and words a denial as DynamoDB
// does: AccessDeniedException, 400.
func (s *Service) authorize(ctx context.Context, reqs ...core.AccessRequest) error {
	err := s.env.Authorize(ctx, reqs...)
	var denied *core.AccessDeniedError
	if errors.As(err, &denied) {
		return ddbError("AccessDeniedException", "%s", denied.Error())
	}
	return err
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

// tagRequestKeys are the aws:RequestTag/<key> and aws:TagKeys keys of a request that
// sets tags.
func tagRequestKeys(tags []tag) map[string][]string {
	if len(tags) == 0 {
		return nil
	}
	keys := map[string][]string{}
	for _, t := range tags {
		keys["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys["aws:TagKeys"] = append(keys["aws:TagKeys"], t.Key)
	}
	return keys
}

// isTableARN reads a table name from a table ARN of this account and region.
func (s *Service) tableFromARN(arn string) (string, bool) {
	prefix := s.tableARN("")
	name, ok := strings.CutPrefix(arn, prefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}
