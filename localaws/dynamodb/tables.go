package dynamodb

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Table statuses. Tables are created, updated and deleted at once, so only the answer
// to the call that started the change shows the transient status, as AWS's does.
const (
	statusCreating = "CREATING"
	statusUpdating = "UPDATING"
	statusDeleting = "DELETING"
)

var streamViewTypes = []string{"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"}

// CreateTable creates a table with its indexes and settings.
func (s *Service) CreateTable(ctx context.Context, in *createTableInput) (*tableOutput, error) {
	var v shape.Violations
	if err := checkTableName(in.TableName); err != nil {
		return nil, err
	}
	checkMembers(&v, in.AttributeDefinitions, in.KeySchema)
	v.Enum("billingMode", in.BillingMode, billingProvisioned, billingPayPerRequest)
	v.Enum("tableClass", in.TableClass, tableClassStandard, "STANDARD_INFREQUENT_ACCESS")
	if in.StreamSpecification != nil {
		v.Enum("streamSpecification.streamViewType", in.StreamSpecification.StreamViewType, streamViewTypes...)
	}
	for i, g := range in.GlobalSecondaryIndexes {
		checkKeySchemaMembers(&v, "globalSecondaryIndexes."+strconv.Itoa(i+1)+".member.keySchema", g.KeySchema)
	}
	for i, l := range in.LocalSecondaryIndexes {
		checkKeySchemaMembers(&v, "localSecondaryIndexes."+strconv.Itoa(i+1)+".member.keySchema", l.KeySchema)
	}
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	t, err := s.newTable(in)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tables[t.name]; ok {
		return nil, errResourceInUse("Table already exists: %s", t.name)
	}
	s.tables[t.name] = t
	return &tableOutput{TableDescription: t.describe(statusCreating, s.env.Region, s.env.Account)}, nil
}

// newTable checks a CreateTable request beyond its member constraints and builds the table.
func (s *Service) newTable(in *createTableInput) (*table, error) {
	types, err := definedTypes(in.AttributeDefinitions)
	if err != nil {
		return nil, err
	}
	keySets := [][]keySchemaElement{in.KeySchema}
	for _, g := range in.GlobalSecondaryIndexes {
		keySets = append(keySets, g.KeySchema)
	}
	for _, l := range in.LocalSecondaryIndexes {
		keySets = append(keySets, l.KeySchema)
	}
	if err := checkDefinitions(in.AttributeDefinitions, types, keySets); err != nil {
		return nil, err
	}
	key, err := parseKey(in.KeySchema, types)
	if err != nil {
		return nil, err
	}
	billing := in.BillingMode
	if billing == "" {
		billing = billingProvisioned
	}
	rcu, wcu, err := checkThroughput(billing, in.ProvisionedThroughput, "")
	if err != nil {
		return nil, err
	}
	now := s.env.Clock.Now()
	t := &table{name: in.TableName, arn: s.tableARN(in.TableName), id: core.NewUUID(), created: now,
		attrDefs: in.AttributeDefinitions, keySchema: in.KeySchema, key: key, billing: billing, rcu: rcu, wcu: wcu,
		onDemand: in.OnDemandThroughput, warm: in.WarmThroughput, class: in.TableClass, items: newStore(key, nil)}
	if billing == billingPayPerRequest {
		t.billedAt = now
	}
	if t.class == "" {
		t.class = tableClassStandard
	}
	if in.DeletionProtectionEnabled != nil {
		t.protect = *in.DeletionProtectionEnabled
	}
	if len(in.LocalSecondaryIndexes) > 0 && key.Sort.Name == "" {
		return nil, errInvalid("Table KeySchema does not have a range key, which is required when specifying a " +
			"LocalSecondaryIndex")
	}
	for _, l := range in.LocalSecondaryIndexes {
		ix, err := newIndex(l.IndexName, l.KeySchema, l.Projection, types, false, key)
		if err != nil {
			return nil, err
		}
		ix.arn = t.arn + "/index/" + ix.name
		t.lsis = append(t.lsis, ix)
	}
	for _, g := range in.GlobalSecondaryIndexes {
		ix, err := s.newGSI(t, &g, types)
		if err != nil {
			return nil, err
		}
		t.gsis = append(t.gsis, ix)
	}
	if err := checkIndexSet(slices.Concat(t.gsis, t.lsis)); err != nil {
		return nil, err
	}
	if err := t.setStream(in.StreamSpecification, now); err != nil {
		return nil, err
	}
	t.sse = in.SSESpecification
	tags := make([]shape.Tag, len(in.Tags))
	for i, tg := range in.Tags {
		tags[i] = shape.Tag{Key: tg.Key, Value: tg.Value}
	}
	if err := tagging.Merge(&t.tags, tags); err != nil {
		return nil, err
	}
	return t, nil
}

// newGSI checks one global secondary index of table t.
func (s *Service) newGSI(t *table, g *globalSecondaryIndex, types map[string]string) (*index, error) {
	ix, err := newIndex(g.IndexName, g.KeySchema, g.Projection, types, true, t.key)
	if err != nil {
		return nil, err
	}
	ix.rcu, ix.wcu, err = checkThroughput(t.billing, g.ProvisionedThroughput, g.IndexName)
	if err != nil {
		return nil, err
	}
	ix.arn, ix.onDemand, ix.warm = t.arn+"/index/"+ix.name, g.OnDemandThroughput, g.WarmThroughput
	return ix, nil
}

// setStream applies a StreamSpecification: on gives the table a new stream label and ARN.
func (t *table) setStream(spec *streamSpecification, now time.Time) error {
	if spec == nil || spec.StreamEnabled == nil {
		return nil
	}
	if !*spec.StreamEnabled {
		t.stream = nil
		return nil
	}
	if spec.StreamViewType == "" {
		return errInvalid("StreamViewType must be specified when StreamEnabled is true")
	}
	if t.stream != nil {
		return protocol.Validation("Table already has an enabled stream: %s", t.streamARN)
	}
	t.stream = &streamSpecification{StreamEnabled: spec.StreamEnabled, StreamViewType: spec.StreamViewType}
	t.streamLabel = now.UTC().Format("2006-01-02T15:04:05.000")
	t.streamARN = t.arn + "/stream/" + t.streamLabel
	return nil
}

// DescribeTable describes a table.
func (s *Service) DescribeTable(ctx context.Context, in *tableNameInput) (*describeTableOutput, error) {
	name := s.nameOf(in.TableName)
	return inTable(s, name, func(t *table) (*describeTableOutput, error) {
		return &describeTableOutput{Table: t.describe(statusActive, s.env.Region, s.env.Account)}, nil
	})
}

// DeleteTable deletes a table and its items, unless deletion protection is on.
func (s *Service) DeleteTable(ctx context.Context, in *tableNameInput) (*tableOutput, error) {
	name := s.nameOf(in.TableName)
	return inTable(s, name, func(t *table) (*tableOutput, error) {
		if t.protect {
			return nil, protocol.Validation("Resource cannot be deleted as it is currently protected against " +
				"deletion. Disable deletion protection first.")
		}
		delete(s.tables, t.name)
		return &tableOutput{TableDescription: t.describe(statusDeleting, s.env.Region, s.env.Account)}, nil
	})
}

// ListTables lists table names in order, at most Limit (100) per page.
func (s *Service) ListTables(ctx context.Context, in *listTablesInput) (*listTablesOutput, error) {
	limit, err := listPager.Size(in.Limit)
	if err != nil {
		return nil, err
	}
	if in.ExclusiveStartTableName != "" {
		if err := checkTableName(in.ExclusiveStartTableName); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	names := s.names()
	s.mu.Unlock()
	start := 0
	if in.ExclusiveStartTableName != "" {
		start = sort.Search(len(names), func(i int) bool { return names[i] > in.ExclusiveStartTableName })
	}
	out := &listTablesOutput{TableNames: names[start:min(start+limit, len(names))]}
	if start+limit < len(names) {
		out.LastEvaluatedTableName = &out.TableNames[len(out.TableNames)-1]
	}
	return out, nil
}

// listPager bounds ListTables' Limit; its tokens are table names, not offsets, so
// that tables created between pages are not skipped.
var listPager = shape.Pager{SizeMember: "limit", DefaultSize: 100, MaxSize: 100, Invalid: protocol.Validation}

// nameOf accepts a table name or, as DynamoDB does, the table's ARN.
func (s *Service) nameOf(nameOrARN string) string {
	if name, ok := s.tableFromARN(nameOrARN); ok {
		return name
	}
	return nameOrARN
}
