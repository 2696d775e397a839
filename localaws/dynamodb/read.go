package dynamodb

import (
	"context"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// maxPageBytes is the data one Query or Scan page reads at most, before filtering: 1 MB.
const maxPageBytes = 1 << 20

// Select values.
const (
	selectAll       = "ALL_ATTRIBUTES"
	selectProjected = "ALL_PROJECTED_ATTRIBUTES"
	selectSpecific  = "SPECIFIC_ATTRIBUTES"
	selectCount     = "COUNT"
)

// readInput is the members Query and Scan share.
type readInput struct {
	TableName                 string
	IndexName                 string
	FilterExpression          string
	ProjectionExpression      string
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues attr.Item
	Select                    string
	Limit                     *int32
	ConsistentRead            bool
	ExclusiveStartKey         attr.Item
	ReturnConsumedCapacity    string
	AttributesToGet           []string
	ConditionalOperator       string
}

type queryInput struct {
	readInput
	KeyConditionExpression string
	ScanIndexForward       *bool
	KeyConditions          map[string]any
	QueryFilter            map[string]any
}

type scanInput struct {
	readInput
	Segment       *int32
	TotalSegments *int32
	ScanFilter    map[string]any
}

type readOutput struct {
	Items            []attr.Item `json:",omitempty"`
	Count            int
	ScannedCount     int
	LastEvaluatedKey attr.Item         `json:",omitempty"`
	ConsumedCapacity *consumedCapacity `json:",omitempty"`
}

// reader is a checked Query or Scan: its expressions and where it reads.
type reader struct {
	in     *readInput
	filter *expr.Condition
	proj   *projector
	limit  int
}

// checkRead applies the checks Query and Scan share; key parses the key condition
// of a Query with the request's placeholders.
func checkRead(in *readInput, op string, key func(*expr.Placeholders) error) (*reader, error) {
	var v shape.Violations
	checkCommon(&v, in.TableName, in.ReturnConsumedCapacity)
	v.Enum("select", in.Select, selectAll, selectProjected, selectSpecific, selectCount)
	if in.Limit != nil {
		v.Range("limit", int(*in.Limit), 1, 1<<31-1)
	}
	if in.IndexName != "" {
		v.Length("indexName", in.IndexName, 3, 255)
	}
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	if in.ConditionalOperator != "" || in.AttributesToGet != nil {
		return nil, errNotImplemented("The legacy " + op + " parameters AttributesToGet and ConditionalOperator")
	}
	r := &reader{in: in, limit: 1<<31 - 1}
	if in.Limit != nil {
		r.limit = int(*in.Limit)
	}
	ph, err := expr.NewPlaceholders(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if err != nil {
		return nil, asValidation(err)
	}
	if key != nil {
		if err := key(ph); err != nil {
			return nil, asValidation(err)
		}
	}
	if in.FilterExpression != "" {
		if r.filter, err = expr.ParseCondition(expr.FilterExpression, in.FilterExpression, ph); err != nil {
			return nil, asValidation(err)
		}
	}
	if in.ProjectionExpression != "" {
		pe, err := expr.ParseProjection(in.ProjectionExpression, ph)
		if err != nil {
			return nil, asValidation(err)
		}
		r.proj = &projector{expr: pe}
	}
	if err := ph.Unused(); err != nil {
		return nil, asValidation(err)
	}
	switch {
	case in.Select == selectCount && r.proj != nil:
		return nil, protocol.Validation("Cannot specify the ProjectionExpression when choosing to get only the Count")
	case in.Select == selectSpecific && r.proj == nil:
		return nil, protocol.Validation("SPECIFIC_ATTRIBUTES requires either a ProjectionExpression or " +
			"AttributesToGet")
	case in.Select != "" && in.Select != selectSpecific && r.proj != nil:
		return nil, protocol.Validation("Cannot specify the ProjectionExpression when choosing to get %s", in.Select)
	case in.Select == selectProjected && in.IndexName == "":
		return nil, protocol.Validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	}
	return r, nil
}

// keys are the read's condition keys, without LeadingKeys.
func (r *reader) keys() map[string][]string {
	keys := map[string][]string{}
	sel := r.in.Select
	if sel == "" && r.proj != nil {
		sel = selectSpecific
	}
	addKey(keys, keySelect, sel)
	if attrs := r.proj.attributes(); len(attrs) > 0 {
		keys[keyAttributes] = sortedSet(attrs)
	}
	addKey(keys, keyReturnConsumedCapacity, r.in.ReturnConsumedCapacity)
	return keys
}

// source is the store a read reads: the table's or an index's. The caller holds s.mu.
func (r *reader) source(t *table) (*store, *index, error) {
	if r.in.IndexName == "" {
		return t.items, nil, nil
	}
	ix := t.index(r.in.IndexName)
	if ix == nil {
		return nil, nil, protocol.Validation("The table does not have the specified index: %s", r.in.IndexName)
	}
	if ix.global && r.in.ConsistentRead {
		return nil, nil, protocol.Validation("Consistent reads are not supported on global secondary indexes")
	}
	if ix.global && r.in.Select == selectAll && ix.proj.ProjectionType != "ALL" {
		return nil, nil, errInvalid("Select type ALL_ATTRIBUTES is not supported for global secondary index %s "+
			"because its projection type is not ALL", ix.name)
	}
	return ix.items, ix, nil
}

// startKey checks ExclusiveStartKey: the table's key, plus the index's for an index.
func (r *reader) startKey(t *table, st *store) error {
	k := r.in.ExclusiveStartKey
	if k == nil {
		return nil
	}
	want := keyNames(t.key)
	if st.tableKey != nil {
		want = append(want, keyNames(st.key)...)
	}
	want = sortedSet(want)
	if !slices.Equal(sortedSet(k.Names()), want) {
		return protocol.Validation("The provided starting key is invalid: The provided key element does not " +
			"match the schema")
	}
	for _, n := range want {
		if !attr.Comparable(k[n]) {
			return protocol.Validation("The provided starting key is invalid: The provided key element does not " +
				"match the schema")
		}
	}
	return nil
}

// page reads items in order until the limit or 1 MB, filters and projects them.
type page struct {
	r       *reader
	t       *table
	st      *store
	out     readOutput
	bytes   int
	last    attr.Item
	stopped bool
}

// take evaluates one item; it returns false once the page is full.
func (p *page) take(it attr.Item) bool {
	p.out.ScannedCount++
	p.bytes += attr.Size(it)
	p.last = it
	if p.r.filter == nil || p.r.filter.Eval(it) {
		p.out.Count++
		if p.r.in.Select != selectCount {
			p.out.Items = append(p.out.Items, p.r.proj.apply(it))
		}
	}
	if p.out.ScannedCount >= p.r.limit || p.bytes >= maxPageBytes {
		p.stopped = true
		return false
	}
	return true
}

// finish sets LastEvaluatedKey and consumed capacity.
func (p *page) finish(ix *index) *readOutput {
	if p.stopped {
		p.out.LastEvaluatedKey = p.t.key.KeyOf(p.last)
		if p.st.tableKey != nil {
			for n, v := range p.st.key.KeyOf(p.last) {
				p.out.LastEvaluatedKey[n] = v
			}
		}
	}
	if p.out.Items == nil && p.r.in.Select != selectCount {
		p.out.Items = []attr.Item{}
	}
	m := newMeter(p.t.name, false)
	m.read(p.bytes, p.r.in.ConsistentRead, ix)
	p.out.ConsumedCapacity = m.report(p.r.in.ReturnConsumedCapacity)
	return &p.out
}

// Query reads the items of one partition of a table or index in sort key order.
func (s *Service) Query(ctx context.Context, in *queryInput) (*readOutput, error) {
	if in.KeyConditions != nil || in.QueryFilter != nil {
		return nil, errNotImplemented("The legacy Query parameters KeyConditions and QueryFilter")
	}
	if in.KeyConditionExpression == "" {
		return nil, protocol.Validation("Either the KeyConditions or KeyConditionExpression parameter must be " +
			"specified in the request.")
	}
	name := s.nameOf(in.TableName)
	// The key condition is parsed against the key schema, which the table holds, so
	// the checks run under the lock; authorization needs the partition value, so the
	// request is checked first, then authorized, then run.
	var kc *expr.KeyCondition
	r, err := checkRead(&in.readInput, "Query", func(ph *expr.Placeholders) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		t, err := s.dataTable(name)
		if err != nil {
			return err
		}
		st, _, err := (&reader{in: &in.readInput}).source(t)
		if err != nil {
			return err
		}
		kc, err = expr.ParseKeyCondition(in.KeyConditionExpression, ph, st.key)
		return err
	})
	if err != nil {
		return nil, err
	}
	keys := r.keys()
	keys[keyLeadingKeys] = []string{keyText(kc.Partition)}
	return s.runRead(ctx, r, "Query", keys, func(p *page) {
		forward := in.ScanIndexForward == nil || *in.ScanIndexForward
		items, start := p.st.partition(kc.Partition), in.ExclusiveStartKey
		for i := range items {
			it := items[i]
			if !forward {
				it = items[len(items)-1-i]
			}
			if start != nil {
				c := p.st.compare(it, start)
				if (forward && c <= 0) || (!forward && c >= 0) {
					continue
				}
			}
			if kc.Sort != nil && !kc.Sort.Match(it[p.st.key.Sort.Name]) {
				continue
			}
			if !p.take(it) {
				break
			}
		}
	})
}

// runRead authorizes a checked Query or Scan and fills a page with fill under the lock.
func (s *Service) runRead(ctx context.Context, r *reader, action string, keys map[string][]string,
	fill func(*page)) (*readOutput, error) {
	name := s.nameOf(r.in.TableName)
	if err := s.authorize(ctx, s.onTable(action, name, r.in.IndexName, keys)); err != nil {
		return nil, err
	}
	if err := s.inject(ctx, name); err != nil {
		return nil, err
	}
	return core.Locked(&s.mu, func() (*table, error) { return s.dataTable(name) }, func(t *table) (*readOutput, error) {
		st, ix, err := r.source(t)
		if err != nil {
			return nil, err
		}
		if err := r.startKey(t, st); err != nil {
			return nil, err
		}
		p := &page{r: r, t: t, st: st}
		fill(p)
		return p.finish(ix), nil
	})
}

// Scan reads every item of a table or index, or of one segment of it.
func (s *Service) Scan(ctx context.Context, in *scanInput) (*readOutput, error) {
	if in.ScanFilter != nil {
		return nil, errNotImplemented("The legacy Scan parameter ScanFilter")
	}
	r, err := checkRead(&in.readInput, "Scan", nil)
	if err != nil {
		return nil, err
	}
	segment, total, err := checkSegments(in.Segment, in.TotalSegments)
	if err != nil {
		return nil, err
	}
	return s.runRead(ctx, r, "Scan", r.keys(), func(p *page) {
		p.st.scan(in.ExclusiveStartKey, func(partitionCode string) bool {
			return segmentOf(partitionCode, total) == segment
		}, p.take)
	})
}

// checkSegments reads Segment and TotalSegments: both or neither, 0 <= Segment < TotalSegments <= 1,000,000.
func checkSegments(seg, total *int32) (int, int, error) {
	if seg == nil && total == nil {
		return 0, 1, nil
	}
	if seg == nil || total == nil {
		return 0, 0, protocol.Validation("The Segment parameter is required but was not present in the request " +
			"when parameter TotalSegments is present")
	}
	var v shape.Violations
	v.Range("segment", int(*seg), 0, 999999)
	v.Range("totalSegments", int(*total), 1, 1000000)
	if err := v.Err(protocol.Validation); err != nil {
		return 0, 0, err
	}
	if *seg >= *total {
		return 0, 0, protocol.Validation("The Segment parameter is zero-based and must be less than parameter "+
			"TotalSegments: Segment: %d is not less than TotalSegments: %d", *seg, *total)
	}
	return int(*seg), int(*total), nil
}
