package dynamodb

import (
	"context"
	"maps"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Batch limits: 100 keys and 16 MB of items per BatchGetItem, 25 requests per BatchWriteItem.
const (
	maxBatchGetKeys    = 100
	maxBatchGetBytes   = 16 << 20
	maxBatchWriteItems = 25
)

type keysAndAttributes struct {
	Keys                     []attr.Item
	ProjectionExpression     string            `json:",omitempty"`
	ExpressionAttributeNames map[string]string `json:",omitempty"`
	ConsistentRead           bool              `json:",omitempty"`
	AttributesToGet          []string          `json:",omitempty"`
}

type batchGetInput struct {
	RequestItems           map[string]keysAndAttributes
	ReturnConsumedCapacity string
}

type batchGetOutput struct {
	Responses        map[string][]attr.Item
	UnprocessedKeys  map[string]keysAndAttributes
	ConsumedCapacity []consumedCapacity `json:",omitempty"`
}

type writeRequest struct {
	PutRequest    *struct{ Item attr.Item } `json:",omitempty"`
	DeleteRequest *struct{ Key attr.Item }  `json:",omitempty"`
}

type batchWriteInput struct {
	RequestItems                map[string][]writeRequest
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

type batchWriteOutput struct {
	UnprocessedItems map[string][]writeRequest
	ConsumedCapacity []consumedCapacity `json:",omitempty"`
}

// checkRequestItems applies RequestItems' member constraints: present, 1 to 100 tables.
func checkRequestItems(n int, isNil bool, rcc string) error {
	var v shape.Violations
	switch {
	case isNil:
		v.Null("requestItems")
	case n == 0:
		v.Add("{}", "requestItems", "Member must have length greater than or equal to 1")
	case n > 100:
		v.Add(n, "requestItems", "Member must have length less than or equal to 100")
	}
	v.Enum("returnConsumedCapacity", rcc, capacityIndexes, capacityTotal, capacityNone)
	return v.Err(protocol.Validation)
}

// startBatch authorizes a batch and applies each table's faults, then takes s.mu and
// looks up every table the batch names; the caller calls unlock when done.
func (s *Service) startBatch(ctx context.Context, names []string,
	reqs []core.AccessRequest) (tables map[string]*table, unlock func(), err error) {
	if err := s.authorize(ctx, reqs...); err != nil {
		return nil, nil, err
	}
	for _, name := range names {
		if err := s.inject(ctx, s.nameOf(name)); err != nil {
			return nil, nil, err
		}
	}
	s.mu.Lock()
	tables = make(map[string]*table, len(names))
	for _, n := range names {
		t, err := s.dataTable(n)
		if err != nil {
			s.mu.Unlock()
			return nil, nil, err
		}
		tables[n] = t
	}
	return tables, s.mu.Unlock, nil
}

// leading is the dynamodb:LeadingKeys of a set of items or keys of one table.
func (s *Service) leading(table string, items []attr.Item) []string {
	var out []string
	for _, it := range items {
		if pk := s.partitionOf(s.nameOf(table), it); !pk.IsZero() {
			out = append(out, keyText(pk))
		}
	}
	return sortedSet(out)
}

// BatchGetItem reads up to 100 items from one or more tables. Every key is processed
// unless the answer would pass 16 MB; the rest come back in UnprocessedKeys.
func (s *Service) BatchGetItem(ctx context.Context, in *batchGetInput) (*batchGetOutput, error) {
	if err := checkRequestItems(len(in.RequestItems), in.RequestItems == nil, in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	names := slices.Sorted(maps.Keys(in.RequestItems))
	total := 0
	projs := map[string]*projector{}
	var reqs []core.AccessRequest
	for _, name := range names {
		ka := in.RequestItems[name]
		total += len(ka.Keys)
		if len(ka.Keys) == 0 {
			return nil, shape.ConstraintError(protocol.Validation, "[]", "requestItems."+name+".member.keys",
				"Member must have length greater than or equal to 1")
		}
		p, err := parseProjection(ka.ProjectionExpression, ka.AttributesToGet, ka.ExpressionAttributeNames)
		if err != nil {
			return nil, err
		}
		projs[name] = p
		if err := checkDistinct(ka.Keys, nil); err != nil {
			return nil, err
		}
		keys := map[string][]string{keyLeadingKeys: s.leading(name, ka.Keys)}
		if attrs := p.attributes(); len(attrs) > 0 {
			keys[keyAttributes] = sortedSet(attrs)
		}
		addKey(keys, keyReturnConsumedCapacity, in.ReturnConsumedCapacity)
		reqs = append(reqs, s.onTable("BatchGetItem", s.nameOf(name), "", keys))
	}
	if total > maxBatchGetKeys {
		return nil, protocol.Validation("Too many items requested for the BatchGetItem call")
	}
	tables, unlock, err := s.startBatch(ctx, names, reqs)
	if err != nil {
		return nil, err
	}
	defer unlock()
	for _, name := range names {
		for _, k := range in.RequestItems[name].Keys {
			if err := attr.CheckKey(k, tables[name].key); err != nil {
				return nil, asValidation(err)
			}
		}
	}
	out := &batchGetOutput{Responses: map[string][]attr.Item{}, UnprocessedKeys: map[string]keysAndAttributes{}}
	ms := newMeters(false, 1)
	bytes := 0
	for _, name := range names {
		ka, t := in.RequestItems[name], tables[name]
		out.Responses[name] = []attr.Item{}
		for i, k := range ka.Keys {
			it, _ := t.items.get(k)
			if bytes+sizeOf(it) > maxBatchGetBytes {
				rest := ka
				rest.Keys = ka.Keys[i:]
				out.UnprocessedKeys[name] = rest
				break
			}
			bytes += sizeOf(it)
			ms.of(name).read(sizeOf(it), ka.ConsistentRead, nil)
			if it != nil {
				out.Responses[name] = append(out.Responses[name], projs[name].apply(it))
			}
		}
	}
	out.ConsumedCapacity = ms.report(in.ReturnConsumedCapacity)
	return out, nil
}

// checkDistinct refuses a batch that names one key twice; key extracts the key of
// each item (nil: the items are keys).
func checkDistinct(items []attr.Item, key func(attr.Item) attr.Item) error {
	for i, a := range items {
		if key != nil {
			a = key(a)
		}
		for _, b := range items[:i] {
			if key != nil {
				b = key(b)
			}
			if attr.EqualItems(a, b) {
				return protocol.Validation("Provided list of item keys contains duplicates")
			}
		}
	}
	return nil
}

// BatchWriteItem puts and deletes up to 25 items in one or more tables. Each write is
// atomic on its own; the batch as a whole is checked before any is made.
func (s *Service) BatchWriteItem(ctx context.Context, in *batchWriteInput) (*batchWriteOutput, error) {
	if err := checkRequestItems(len(in.RequestItems), in.RequestItems == nil, in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	names := slices.Sorted(maps.Keys(in.RequestItems))
	total := 0
	var reqs []core.AccessRequest
	for _, name := range names {
		wrs := in.RequestItems[name]
		total += len(wrs)
		var items []attr.Item
		var attrs []string
		for _, wr := range wrs {
			switch {
			case (wr.PutRequest == nil) == (wr.DeleteRequest == nil):
				return nil, protocol.Validation("Supplied WriteRequest must have exactly one of PutRequest or " +
					"DeleteRequest set")
			case wr.PutRequest != nil:
				if err := attr.ValidateItem(wr.PutRequest.Item); err != nil {
					return nil, asValidation(err)
				}
				items = append(items, wr.PutRequest.Item)
				attrs = append(attrs, wr.PutRequest.Item.Names()...)
			default:
				if err := attr.ValidateItem(wr.DeleteRequest.Key); err != nil {
					return nil, asValidation(err)
				}
				items = append(items, wr.DeleteRequest.Key)
				attrs = append(attrs, wr.DeleteRequest.Key.Names()...)
			}
		}
		keys := map[string][]string{keyLeadingKeys: s.leading(name, items), keyAttributes: sortedSet(attrs)}
		addKey(keys, keyReturnConsumedCapacity, in.ReturnConsumedCapacity)
		reqs = append(reqs, s.onTable("BatchWriteItem", s.nameOf(name), "", keys))
	}
	if total > maxBatchWriteItems {
		return nil, protocol.Validation("Too many items requested for the BatchWriteItem call")
	}
	tables, unlock, err := s.startBatch(ctx, names, reqs)
	if err != nil {
		return nil, err
	}
	defer unlock()
	for _, name := range names {
		t := tables[name]
		var items []attr.Item
		for _, wr := range in.RequestItems[name] {
			if wr.PutRequest != nil {
				if err := attr.CheckItemKey(wr.PutRequest.Item, t.key); err != nil {
					return nil, asValidation(err)
				}
				if err := attr.CheckSize(wr.PutRequest.Item); err != nil {
					return nil, asValidation(err)
				}
				items = append(items, wr.PutRequest.Item)
				continue
			}
			if err := attr.CheckKey(wr.DeleteRequest.Key, t.key); err != nil {
				return nil, asValidation(err)
			}
			items = append(items, wr.DeleteRequest.Key)
		}
		if err := checkDistinct(items, t.key.KeyOf); err != nil {
			return nil, err
		}
	}
	ms := newMeters(true, 1)
	for _, name := range names {
		t := tables[name]
		for _, wr := range in.RequestItems[name] {
			var key, next attr.Item
			if wr.PutRequest != nil {
				key, next = t.key.KeyOf(wr.PutRequest.Item), wr.PutRequest.Item
			} else {
				key = wr.DeleteRequest.Key
			}
			old, _ := t.items.get(key)
			ms.of(name).writeItem(t, old, next)
			t.write(old, next)
		}
	}
	return &batchWriteOutput{UnprocessedItems: map[string][]writeRequest{},
		ConsumedCapacity: ms.report(in.ReturnConsumedCapacity)}, nil
}
