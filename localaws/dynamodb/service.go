// Package dynamodb emulates Amazon DynamoDB over AWS JSON 1.0: tables with their
// indexes and settings as the Terraform provider reads them back, and items with
// expressions, batches, transactions and consumed capacity.
package dynamodb

import (
	"sort"
	"sync"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds every table. One mutex guards all of them: operations are short, and
// transactions and batches span tables.
type Service struct {
	protocol.JSONService
	env *core.Env

	mu     sync.Mutex
	tables map[string]*table // by name
	// tokens are the ClientRequestTokens of recent transactions.
	tokens map[string]requestToken
	faults *faults.Set
}

// New builds the service with the default options.
func New(env *core.Env) *Service {
	s := &Service{env: env, tables: map[string]*table{}, tokens: map[string]requestToken{},
		faults: faults.NewSetFor(faults.Tables)}
	s.JSONService = protocol.JSONService{Name: "dynamodb", TargetPrefix: "DynamoDB_20120810", Version: "1.0",
		ErrorNamespace: "com.amazonaws.dynamodb.v20120810#", Logger: env.Logger,
		Ops: map[string]protocol.JSONOp{
			"CreateTable":               protocol.Op(s.CreateTable),
			"DescribeTable":             protocol.Op(s.DescribeTable),
			"UpdateTable":               protocol.Op(s.UpdateTable),
			"DeleteTable":               protocol.Op(s.DeleteTable),
			"ListTables":                protocol.Op(s.ListTables),
			"DescribeTimeToLive":        protocol.Op(s.DescribeTimeToLive),
			"UpdateTimeToLive":          protocol.Op(s.UpdateTimeToLive),
			"DescribeContinuousBackups": protocol.Op(s.DescribeContinuousBackups),
			"UpdateContinuousBackups":   protocol.Op(s.UpdateContinuousBackups),
			"TagResource":               protocol.Op(s.TagResource),
			"UntagResource":             protocol.Op(s.UntagResource),
			"ListTagsOfResource":        protocol.Op(s.ListTagsOfResource),
			"DescribeLimits":            protocol.Op(s.DescribeLimits),
			"DescribeEndpoints":         protocol.Op(s.DescribeEndpoints),
			"PutItem":                   protocol.Op(s.PutItem),
			"GetItem":                   protocol.Op(s.GetItem),
			"UpdateItem":                protocol.Op(s.UpdateItem),
			"DeleteItem":                protocol.Op(s.DeleteItem),
			"Query":                     protocol.Op(s.Query),
			"Scan":                      protocol.Op(s.Scan),
			"BatchGetItem":              protocol.Op(s.BatchGetItem),
			"BatchWriteItem":            protocol.Op(s.BatchWriteItem),
			"TransactWriteItems":        protocol.Op(s.TransactWriteItems),
			"TransactGetItems":          protocol.Op(s.TransactGetItems),
		}}
	return s
}

// lookup finds a table by name for the control plane. The caller holds s.mu.
func (s *Service) lookup(name string) (*table, error) {
	if err := checkTableName(name); err != nil {
		return nil, err
	}
	t, ok := s.tables[name]
	if !ok {
		return nil, errTableNotFound(name)
	}
	return t, nil
}

// inTable runs fn under s.mu on the table that name names.
func inTable[T any](s *Service, name string, fn func(*table) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*table, error) { return s.lookup(name) }, fn)
}

// names returns the table names in order. The caller holds s.mu.
func (s *Service) names() []string {
	out := make([]string, 0, len(s.tables))
	for n := range s.tables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
