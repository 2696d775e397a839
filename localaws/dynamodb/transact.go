package dynamodb

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

const (
	// maxTransactItems is the limit on actions in one transaction.
	maxTransactItems = 100
	// tokenTTL is how long a ClientRequestToken makes TransactWriteItems idempotent.
	tokenTTL = 10 * time.Minute
)

type transactAction struct {
	TableName        string
	Key              attr.Item
	Item             attr.Item
	UpdateExpression string
	exprInput
}

type transactWriteItem struct {
	ConditionCheck *transactAction `json:",omitempty"`
	Put            *transactAction `json:",omitempty"`
	Delete         *transactAction `json:",omitempty"`
	Update         *transactAction `json:",omitempty"`
}

type transactWriteInput struct {
	TransactItems               []transactWriteItem
	ClientRequestToken          string
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

type transactWriteOutput struct {
	ConsumedCapacity []consumedCapacity `json:",omitempty"`
}

type transactGetInput struct {
	TransactItems []struct {
		Get *struct {
			TableName                string
			Key                      attr.Item
			ProjectionExpression     string
			ExpressionAttributeNames map[string]string
		}
	}
	ReturnConsumedCapacity string
}

type itemResponse struct {
	Item attr.Item `json:",omitempty"`
}

type transactGetOutput struct {
	Responses        []itemResponse
	ConsumedCapacity []consumedCapacity `json:",omitempty"`
}

type cancellationReason struct {
	Code    string
	Message string    `json:",omitempty"`
	Item    attr.Item `json:",omitempty"`
}

// requestToken is a ClientRequestToken in use: the request it came with, and when.
type requestToken struct {
	digest [32]byte
	at     time.Time
}

// txAction is one checked action of a transaction.
type txAction struct {
	op   string // the IAM action: ConditionCheckItem, PutItem, UpdateItem, DeleteItem
	a    *transactAction
	cond *condition
	upd  *expr.Update
	key  attr.Item // the Key, or the Item for a put
}

func checkTransactCount(n int) error {
	var v shape.Violations
	switch {
	case n == 0:
		v.Add("[]", "transactItems", "Member must have length greater than or equal to 1")
	case n > maxTransactItems:
		v.Add(n, "transactItems", "Member must have length less than or equal to 100")
	}
	return v.Err(protocol.Validation)
}

// parseActions checks every action of a TransactWriteItems request on its own.
func parseActions(items []transactWriteItem) ([]txAction, error) {
	out := make([]txAction, len(items))
	for i, it := range items {
		var set []txAction
		for _, c := range []struct {
			op string
			a  *transactAction
		}{{"ConditionCheckItem", it.ConditionCheck}, {"PutItem", it.Put}, {"DeleteItem", it.Delete},
			{"UpdateItem", it.Update}} {
			if c.a != nil {
				set = append(set, txAction{op: c.op, a: c.a})
			}
		}
		if len(set) != 1 {
			return nil, protocol.Validation("TransactItems can only contain one of Check, Put, Update or Delete")
		}
		x := set[0]
		member := "key"
		x.key = x.a.Key
		if x.op == "PutItem" {
			x.key, member = x.a.Item, "item"
		}
		if err := checkWrite(x.a.TableName, "", member, x.key, nil, "",
			x.a.ReturnValuesOnConditionCheckFailure); err != nil {
			return nil, err
		}
		if x.op == "ConditionCheckItem" && x.a.ConditionExpression == "" {
			return nil, protocol.Validation("The ConditionExpression is required for a ConditionCheck")
		}
		if x.op == "UpdateItem" && x.a.UpdateExpression == "" {
			return nil, protocol.Validation("The UpdateExpression is required for an Update")
		}
		var err error
		x.cond, err = parseCondition(&x.a.exprInput, func(ph *expr.Placeholders) error {
			var err error
			if x.op == "UpdateItem" {
				x.upd, err = expr.ParseUpdate(x.a.UpdateExpression, ph)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// TransactWriteItems checks and writes up to 100 items in one or more tables all or
// nothing. A failed condition cancels the whole transaction with a reason per action.
func (s *Service) TransactWriteItems(ctx context.Context, in *transactWriteInput) (*transactWriteOutput, error) {
	if err := checkTransactCount(len(in.TransactItems)); err != nil {
		return nil, err
	}
	var v shape.Violations
	v.Enum("returnConsumedCapacity", in.ReturnConsumedCapacity, capacityIndexes, capacityTotal, capacityNone)
	v.Length("clientRequestToken", in.ClientRequestToken, 0, 36)
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	actions, err := parseActions(in.TransactItems)
	if err != nil {
		return nil, err
	}
	var reqs []core.AccessRequest
	names := map[string]bool{}
	for _, x := range actions {
		name := s.nameOf(x.a.TableName)
		names[name] = true
		attrs := slices.Concat(x.key.Names(), x.cond.attributes())
		if x.upd != nil {
			attrs = append(attrs, x.upd.Attributes()...)
		}
		reqs = append(reqs, s.onTable(x.op, name, "", itemKeys(s.partitionOf(name, x.key), attrs, "",
			in.ReturnConsumedCapacity)))
	}
	tables, unlock, err := s.startBatch(ctx, slices.Sorted(maps.Keys(names)), reqs)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if done, err := s.spendToken(in); done || err != nil {
		return &transactWriteOutput{}, err
	}
	return s.commit(in, actions, tables)
}

// commit runs a checked transaction under s.mu.
func (s *Service) commit(in *transactWriteInput, actions []txAction, tables map[string]*table) (*transactWriteOutput, error) {
	type change struct {
		t         *table
		old, next attr.Item
		write     bool
	}
	changes := make([]change, len(actions))
	seen := map[string]bool{}
	for i, x := range actions {
		t := tables[s.nameOf(x.a.TableName)]
		var key attr.Item
		if x.op == "PutItem" {
			if err := attr.CheckItemKey(x.a.Item, t.key); err != nil {
				return nil, asValidation(err)
			}
			if err := attr.CheckSize(x.a.Item); err != nil {
				return nil, asValidation(err)
			}
			key = t.key.KeyOf(x.a.Item)
		} else {
			if err := attr.CheckKey(x.a.Key, t.key); err != nil {
				return nil, asValidation(err)
			}
			key = x.a.Key
		}
		id := t.name + "\x00" + code(key[t.key.Partition.Name])
		if t.key.Sort.Name != "" {
			id += "\x00" + code(key[t.key.Sort.Name])
		}
		if seen[id] {
			return nil, protocol.Validation("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
		old, _ := t.items.get(key)
		changes[i] = change{t: t, old: old, write: x.op != "ConditionCheckItem"}
	}
	reasons := make([]cancellationReason, len(actions))
	cancelled := false
	for i, x := range actions {
		c := &changes[i]
		reasons[i] = cancellationReason{Code: "None"}
		if err := x.cond.check(c.old, x.a.ReturnValuesOnConditionCheckFailure); err != nil {
			reasons[i] = cancellationReason{Code: "ConditionalCheckFailed", Message: "The conditional request failed"}
			if x.a.ReturnValuesOnConditionCheckFailure == returnAllOld {
				reasons[i].Item = c.old
			}
			cancelled = true
			continue
		}
		switch x.op {
		case "PutItem":
			c.next = x.a.Item
		case "UpdateItem":
			next, _, err := applyUpdate(c.t, c.old, x.a.Key, x.upd, nil)
			if err != nil {
				reasons[i] = cancellationReason{Code: "ValidationError", Message: protocol.AsError(err).Message}
				cancelled = true
				continue
			}
			c.next = next
		}
	}
	if cancelled {
		return nil, errTransactionCanceled(reasons)
	}
	ms := newMeters(true, 2)
	for _, c := range changes {
		if !c.write {
			ms.of(c.t.name).read(sizeOf(c.old), true, nil)
			continue
		}
		ms.of(c.t.name).writeItem(c.t, c.old, c.next)
		c.t.write(c.old, c.next)
	}
	return &transactWriteOutput{ConsumedCapacity: ms.report(in.ReturnConsumedCapacity)}, nil
}

func errTransactionCanceled(reasons []cancellationReason) error {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = r.Code
	}
	e := ddbError("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for "+
		"specific reasons [%s]", strings.Join(codes, ", "))
	e.Fields = map[string]any{"CancellationReasons": reasons}
	return e
}

// spendToken makes a request with a ClientRequestToken idempotent for tokenTTL: the
// same request again succeeds without writing (done), another request with the token
// is refused. The caller holds s.mu.
func (s *Service) spendToken(in *transactWriteInput) (done bool, err error) {
	if in.ClientRequestToken == "" {
		return false, nil
	}
	now := s.env.Clock.Now()
	for tok, r := range s.tokens {
		if now.Sub(r.at) >= tokenTTL {
			delete(s.tokens, tok)
		}
	}
	body, err := json.Marshal(in.TransactItems)
	if err != nil {
		return false, err
	}
	digest := sha256.Sum256(body)
	if r, ok := s.tokens[in.ClientRequestToken]; ok {
		if r.digest != digest {
			return false, ddbError("IdempotentParameterMismatchException", "Request has an idempotent token that "+
				"was already used with a different request")
		}
		return true, nil
	}
	s.tokens[in.ClientRequestToken] = requestToken{digest: digest, at: now}
	return false, nil
}

// TransactGetItems reads up to 100 items from one or more tables as of one moment.
func (s *Service) TransactGetItems(ctx context.Context, in *transactGetInput) (*transactGetOutput, error) {
	if err := checkTransactCount(len(in.TransactItems)); err != nil {
		return nil, err
	}
	var v shape.Violations
	v.Enum("returnConsumedCapacity", in.ReturnConsumedCapacity, capacityIndexes, capacityTotal, capacityNone)
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	projs := make([]*projector, len(in.TransactItems))
	var reqs []core.AccessRequest
	names := map[string]bool{}
	for i, it := range in.TransactItems {
		g := it.Get
		if g == nil {
			var v shape.Violations
			v.Null("transactItems." + strconv.Itoa(i+1) + ".member.get")
			return nil, v.Err(protocol.Validation)
		}
		if err := checkWrite(g.TableName, "", "key", g.Key, nil, "", ""); err != nil {
			return nil, err
		}
		p, err := parseProjection(g.ProjectionExpression, nil, g.ExpressionAttributeNames)
		if err != nil {
			return nil, err
		}
		projs[i] = p
		name := s.nameOf(g.TableName)
		names[name] = true
		reqs = append(reqs, s.onTable("GetItem", name, "", itemKeys(s.partitionOf(name, g.Key), p.attributes(), "",
			in.ReturnConsumedCapacity)))
	}
	tables, unlock, err := s.startBatch(ctx, slices.Sorted(maps.Keys(names)), reqs)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := &transactGetOutput{Responses: make([]itemResponse, len(in.TransactItems))}
	ms := newMeters(false, 2)
	for i, it := range in.TransactItems {
		t := tables[s.nameOf(it.Get.TableName)]
		if err := attr.CheckKey(it.Get.Key, t.key); err != nil {
			return nil, asValidation(err)
		}
		item, _ := t.items.get(it.Get.Key)
		ms.of(t.name).read(sizeOf(item), true, nil)
		out.Responses[i].Item = projs[i].apply(item)
	}
	out.ConsumedCapacity = ms.report(in.ReturnConsumedCapacity)
	return out, nil
}
