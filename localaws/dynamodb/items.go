package dynamodb

import (
	"context"
	"encoding/base64"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// ReturnValues and ReturnValuesOnConditionCheckFailure values.
const (
	returnNone       = "NONE"
	returnAllOld     = "ALL_OLD"
	returnUpdatedOld = "UPDATED_OLD"
	returnAllNew     = "ALL_NEW"
	returnUpdatedNew = "UPDATED_NEW"
)

// Condition keys DynamoDB adds to its requests (IAM's "Actions, resources, and
// condition keys for Amazon DynamoDB").
const (
	keyLeadingKeys            = "dynamodb:LeadingKeys"
	keyAttributes             = "dynamodb:Attributes"
	keySelect                 = "dynamodb:Select"
	keyReturnValues           = "dynamodb:ReturnValues"
	keyReturnConsumedCapacity = "dynamodb:ReturnConsumedCapacity"
)

// exprInput is the expression members every item operation shares.
type exprInput struct {
	ConditionExpression                 string
	ExpressionAttributeNames            map[string]string
	ExpressionAttributeValues           attr.Item
	ReturnValuesOnConditionCheckFailure string
}

type putItemInput struct {
	TableName string
	Item      attr.Item
	exprInput
	ReturnValues                string
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
	Expected                    map[string]any
	ConditionalOperator         string
}

type getItemInput struct {
	TableName                string
	Key                      attr.Item
	ConsistentRead           bool
	ProjectionExpression     string
	ExpressionAttributeNames map[string]string
	AttributesToGet          []string
	ReturnConsumedCapacity   string
}

type updateItemInput struct {
	TableName        string
	Key              attr.Item
	UpdateExpression string
	AttributeUpdates map[string]expr.AttributeUpdate
	exprInput
	ReturnValues                string
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
	Expected                    map[string]any
	ConditionalOperator         string
}

type deleteItemInput struct {
	TableName string
	Key       attr.Item
	exprInput
	ReturnValues                string
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
	Expected                    map[string]any
	ConditionalOperator         string
}

type writeItemOutput struct {
	Attributes       attr.Item         `json:",omitempty"`
	ConsumedCapacity *consumedCapacity `json:",omitempty"`
}

type getItemOutput struct {
	Item             attr.Item         `json:",omitempty"`
	ConsumedCapacity *consumedCapacity `json:",omitempty"`
}

// checkCommon applies the member constraints item operations share.
func checkCommon(v *shape.Violations, tableName, rcc string) {
	if tableName == "" {
		v.Null("tableName")
	} else {
		v.Length("tableName", tableName, 1, 1024)
	}
	v.Enum("returnConsumedCapacity", rcc, capacityIndexes, capacityTotal, capacityNone)
}

// refuseLegacy refuses the pre-expression parameters localaws does not emulate
// (AttributeUpdates and AttributesToGet are emulated).
func refuseLegacy(expected map[string]any, operator string) error {
	if expected != nil || operator != "" {
		return errNotImplemented("The legacy Expected and ConditionalOperator parameters (use ConditionExpression)")
	}
	return nil
}

// condition is a parsed ConditionExpression with the request's placeholders; nil when
// the request has none.
type condition struct {
	cond *expr.Condition
	ph   *expr.Placeholders
}

// parseCondition parses the ConditionExpression and any other expressions of the
// request (more), then refuses placeholders none of them used.
func parseCondition(in *exprInput, more func(*expr.Placeholders) error) (*condition, error) {
	ph, err := expr.NewPlaceholders(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if err != nil {
		return nil, asValidation(err)
	}
	c := &condition{ph: ph}
	if in.ConditionExpression != "" {
		if c.cond, err = expr.ParseCondition(expr.ConditionExpression, in.ConditionExpression, ph); err != nil {
			return nil, asValidation(err)
		}
	}
	if more != nil {
		if err := more(ph); err != nil {
			return nil, asValidation(err)
		}
	}
	if err := ph.Unused(); err != nil {
		return nil, asValidation(err)
	}
	return c, nil
}

// check fails with ConditionalCheckFailedException when the stored item (nil: none)
// does not satisfy the condition.
func (c *condition) check(old attr.Item, onFailure string) error {
	if c == nil || c.cond == nil || c.cond.Eval(old) {
		return nil
	}
	return errConditionalCheckFailed(old, onFailure)
}

func (c *condition) attributes() []string {
	if c == nil || c.cond == nil {
		return nil
	}
	return c.cond.Attributes()
}

func errConditionalCheckFailed(old attr.Item, onFailure string) error {
	e := ddbError("ConditionalCheckFailedException", "The conditional request failed")
	if onFailure == returnAllOld && old != nil {
		e.Fields = map[string]any{"Item": old}
	}
	return e
}

// keyText is a key value as IAM compares it: the string, the number's text, or the
// binary in base64.
func keyText(v attr.Value) string {
	if v.Type() == attr.TypeB {
		return base64.StdEncoding.EncodeToString(v.B())
	}
	return v.S()
}

// itemKeys are the condition keys of a single-item request.
func itemKeys(pk attr.Value, attrs []string, returnValues, rcc string) map[string][]string {
	keys := map[string][]string{}
	if !pk.IsZero() {
		keys[keyLeadingKeys] = []string{keyText(pk)}
	}
	if len(attrs) > 0 {
		keys[keyAttributes] = sortedSet(attrs)
	}
	addKey(keys, keyReturnValues, returnValues)
	addKey(keys, keyReturnConsumedCapacity, rcc)
	return keys
}

// addKey sets a single-valued condition key when the request gave it.
func addKey(keys map[string][]string, name, value string) {
	if value != "" {
		keys[name] = []string{value}
	}
}

// sortedSet is values without repeats, sorted, as a multivalued key.
func sortedSet(values []string) []string {
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}

// keyNames is the names of a table's key attributes.
func keyNames(ks attr.KeySchema) []string {
	var out []string
	for _, k := range ks.Attributes() {
		out = append(out, k.Name)
	}
	return out
}

// dataTable finds a table for the data plane, whose not-found names nothing. The
// caller holds s.mu.
func (s *Service) dataTable(name string) (*table, error) {
	t, ok := s.tables[s.nameOf(name)]
	if !ok {
		return nil, ddbError("ResourceNotFoundException", "Requested resource not found")
	}
	return t, nil
}

// itemWrite is one checked single-item write: what it authorizes, the key it finds
// the stored item by, and the item it leaves.
type itemWrite struct {
	action, table     string
	item              attr.Item // the Item or Key, for dynamodb:LeadingKeys
	attrs             []string  // the attributes it writes, for dynamodb:Attributes
	cond              *condition
	returnValues, rcc string
	onFailure         string
	// key checks the request against the table and returns the key of its item.
	key func(t *table) (attr.Item, error)
	// next is the item after the write (nil: deleted) and the attributes it modified.
	next func(t *table, old attr.Item) (attr.Item, []string, error)
}

// checkWrite applies the checks PutItem, UpdateItem and DeleteItem share; item is the
// Item or Key member, returnValues those the operation accepts beyond NONE.
func checkWrite(tableName, rcc, member string, item attr.Item, expected map[string]any, operator string,
	onFailure string) error {
	var v shape.Violations
	checkCommon(&v, tableName, rcc)
	if item == nil {
		v.Null(member)
	}
	if err := v.Err(protocol.Validation); err != nil {
		return err
	}
	if err := refuseLegacy(expected, operator); err != nil {
		return err
	}
	if err := checkOnFailure(onFailure); err != nil {
		return err
	}
	return asValidation(attr.ValidateItem(item))
}

// checkReturnAllOld refuses ReturnValues other than NONE and ALL_OLD (PutItem, DeleteItem).
func checkReturnAllOld(rv string) error {
	if rv != "" && rv != returnNone && rv != returnAllOld {
		return protocol.Validation("ReturnValues can only be ALL_OLD or NONE")
	}
	return nil
}

// runWrite authorizes and runs a single-item write under the lock.
func (s *Service) runWrite(ctx context.Context, w itemWrite) (*writeItemOutput, error) {
	name := s.nameOf(w.table)
	keys := itemKeys(s.partitionOf(name, w.item), slices.Concat(w.attrs, w.cond.attributes()), w.returnValues, w.rcc)
	if err := s.authorize(ctx, s.onTable(w.action, name, "", keys)); err != nil {
		return nil, err
	}
	if err := s.inject(ctx, name); err != nil {
		return nil, err
	}
	return core.Locked(&s.mu, func() (*table, error) { return s.dataTable(name) }, func(t *table) (*writeItemOutput, error) {
		key, err := w.key(t)
		if err != nil {
			return nil, asValidation(err)
		}
		old, _ := t.items.get(key)
		if err := w.cond.check(old, w.onFailure); err != nil {
			return nil, err
		}
		next, modified, err := w.next(t, old)
		if err != nil {
			return nil, err
		}
		m := newMeter(t.name, true)
		m.writeItem(t, old, next)
		t.write(old, next)
		return &writeItemOutput{Attributes: returned(w.returnValues, old, next, modified),
			ConsumedCapacity: m.report(w.rcc)}, nil
	})
}

// PutItem writes a whole item, replacing any item with its key.
func (s *Service) PutItem(ctx context.Context, in *putItemInput) (*writeItemOutput, error) {
	if err := checkWrite(in.TableName, in.ReturnConsumedCapacity, "item", in.Item, in.Expected,
		in.ConditionalOperator, in.ReturnValuesOnConditionCheckFailure); err != nil {
		return nil, err
	}
	if err := checkReturnAllOld(in.ReturnValues); err != nil {
		return nil, err
	}
	cond, err := parseCondition(&in.exprInput, nil)
	if err != nil {
		return nil, err
	}
	return s.runWrite(ctx, itemWrite{action: "PutItem", table: in.TableName, item: in.Item, attrs: in.Item.Names(),
		cond: cond, returnValues: in.ReturnValues, rcc: in.ReturnConsumedCapacity,
		onFailure: in.ReturnValuesOnConditionCheckFailure,
		key: func(t *table) (attr.Item, error) {
			if err := attr.CheckItemKey(in.Item, t.key); err != nil {
				return nil, err
			}
			return t.key.KeyOf(in.Item), attr.CheckSize(in.Item)
		},
		next: func(*table, attr.Item) (attr.Item, []string, error) { return in.Item, nil, nil }})
}

func checkOnFailure(v string) error {
	if v != "" && v != returnNone && v != returnAllOld {
		return shape.ConstraintError(protocol.Validation, v, "returnValuesOnConditionCheckFailure",
			"Member must satisfy enum value set: [ALL_OLD, NONE]")
	}
	return nil
}

// partitionOf is the partition key value of an item or key for the named table, for
// dynamodb:LeadingKeys; absent when the table or the attribute is unknown.
func (s *Service) partitionOf(table string, it attr.Item) attr.Value {
	s.mu.Lock()
	t, ok := s.tables[table]
	s.mu.Unlock()
	if !ok {
		return attr.Value{}
	}
	return it[t.key.Partition.Name]
}

// GetItem reads one item by its key.
func (s *Service) GetItem(ctx context.Context, in *getItemInput) (*getItemOutput, error) {
	var v shape.Violations
	checkCommon(&v, in.TableName, in.ReturnConsumedCapacity)
	if in.Key == nil {
		v.Null("key")
	}
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	proj, err := parseProjection(in.ProjectionExpression, in.AttributesToGet, in.ExpressionAttributeNames)
	if err != nil {
		return nil, err
	}
	if err := attr.ValidateItem(in.Key); err != nil {
		return nil, asValidation(err)
	}
	name := s.nameOf(in.TableName)
	keys := itemKeys(s.partitionOf(name, in.Key), proj.attributes(), "", in.ReturnConsumedCapacity)
	if proj != nil {
		addKey(keys, keySelect, "SPECIFIC_ATTRIBUTES")
	}
	if err := s.authorize(ctx, s.onTable("GetItem", name, "", keys)); err != nil {
		return nil, err
	}
	if err := s.inject(ctx, name); err != nil {
		return nil, err
	}
	return core.Locked(&s.mu, func() (*table, error) { return s.dataTable(name) }, func(t *table) (*getItemOutput, error) {
		if err := attr.CheckKey(in.Key, t.key); err != nil {
			return nil, asValidation(err)
		}
		it, _ := t.items.get(in.Key)
		m := newMeter(t.name, false)
		m.read(sizeOf(it), in.ConsistentRead, nil)
		return &getItemOutput{Item: proj.apply(it), ConsumedCapacity: m.report(in.ReturnConsumedCapacity)}, nil
	})
}

// UpdateItem changes an item's attributes with an UpdateExpression or the legacy
// AttributeUpdates, creating the item when it does not exist.
func (s *Service) UpdateItem(ctx context.Context, in *updateItemInput) (*writeItemOutput, error) {
	if err := checkWrite(in.TableName, in.ReturnConsumedCapacity, "key", in.Key, in.Expected,
		in.ConditionalOperator, in.ReturnValuesOnConditionCheckFailure); err != nil {
		return nil, err
	}
	var v shape.Violations
	v.Enum("returnValues", in.ReturnValues, returnNone, returnAllOld, returnUpdatedOld, returnAllNew, returnUpdatedNew)
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	if in.UpdateExpression != "" && in.AttributeUpdates != nil {
		return nil, protocol.Validation("Can not use both expression and non-expression parameters in the same " +
			"request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}")
	}
	var upd *expr.Update
	cond, err := parseCondition(&in.exprInput, func(ph *expr.Placeholders) error {
		var err error
		if in.UpdateExpression != "" {
			upd, err = expr.ParseUpdate(in.UpdateExpression, ph)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if in.AttributeUpdates != nil {
		if err := expr.ValidateAttributeUpdates(in.AttributeUpdates); err != nil {
			return nil, asValidation(err)
		}
	}
	written := in.Key.Names()
	switch {
	case upd != nil:
		written = append(written, upd.Attributes()...)
	case in.AttributeUpdates != nil:
		written = append(written, expr.AttributeUpdatesNames(in.AttributeUpdates)...)
	}
	return s.runWrite(ctx, itemWrite{action: "UpdateItem", table: in.TableName, item: in.Key, attrs: written,
		cond: cond, returnValues: in.ReturnValues, rcc: in.ReturnConsumedCapacity,
		onFailure: in.ReturnValuesOnConditionCheckFailure,
		key:       func(t *table) (attr.Item, error) { return in.Key, attr.CheckKey(in.Key, t.key) },
		next: func(t *table, old attr.Item) (attr.Item, []string, error) {
			return applyUpdate(t, old, in.Key, upd, in.AttributeUpdates)
		}})
}

// applyUpdate computes an item after an update: of the stored item old, or of a new
// item made of key. Key attributes may not change.
func applyUpdate(t *table, old, key attr.Item, upd *expr.Update,
	legacy map[string]expr.AttributeUpdate) (attr.Item, []string, error) {
	base := old
	if base == nil {
		base = key.Clone()
	}
	var (
		next     attr.Item
		modified []string
		err      error
	)
	switch {
	case upd != nil:
		modified = upd.Modified()
		for _, k := range t.key.Attributes() {
			if slices.Contains(modified, k.Name) {
				return nil, nil, protocol.Validation("One or more parameter values were invalid: Cannot update "+
					"attribute %s. This attribute is part of the key", k.Name)
			}
		}
		next, err = upd.Apply(base)
	case legacy != nil:
		modified = expr.AttributeUpdatesNames(legacy)
		for _, k := range t.key.Attributes() {
			if _, ok := legacy[k.Name]; ok {
				return nil, nil, protocol.Validation("One or more parameter values were invalid: Cannot update "+
					"attribute %s. This attribute is part of the key", k.Name)
			}
		}
		next, err = expr.ApplyAttributeUpdates(base, legacy)
	default:
		next = base
	}
	if err != nil {
		return nil, nil, asValidation(err)
	}
	if err := attr.CheckUpdatedSize(next); err != nil {
		return nil, nil, asValidation(err)
	}
	return next, modified, nil
}

// returned is what ReturnValues asks for of an item that was old and is now new.
func returned(mode string, old, new attr.Item, modified []string) attr.Item {
	pick := func(it attr.Item) attr.Item {
		out := attr.Item{}
		for _, n := range modified {
			if v, ok := it[n]; ok {
				out[n] = v
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	switch mode {
	case returnAllOld:
		return old
	case returnAllNew:
		return new
	case returnUpdatedOld:
		return pick(old)
	case returnUpdatedNew:
		return pick(new)
	}
	return nil
}

// DeleteItem deletes one item by its key; deleting an item that does not exist succeeds.
func (s *Service) DeleteItem(ctx context.Context, in *deleteItemInput) (*writeItemOutput, error) {
	if err := checkWrite(in.TableName, in.ReturnConsumedCapacity, "key", in.Key, in.Expected,
		in.ConditionalOperator, in.ReturnValuesOnConditionCheckFailure); err != nil {
		return nil, err
	}
	if err := checkReturnAllOld(in.ReturnValues); err != nil {
		return nil, err
	}
	cond, err := parseCondition(&in.exprInput, nil)
	if err != nil {
		return nil, err
	}
	return s.runWrite(ctx, itemWrite{action: "DeleteItem", table: in.TableName, item: in.Key, attrs: in.Key.Names(),
		cond: cond, returnValues: in.ReturnValues, rcc: in.ReturnConsumedCapacity,
		onFailure: in.ReturnValuesOnConditionCheckFailure,
		key:       func(t *table) (attr.Item, error) { return in.Key, attr.CheckKey(in.Key, t.key) },
		next:      func(*table, attr.Item) (attr.Item, []string, error) { return nil, nil, nil }})
}
