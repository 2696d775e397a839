package dynamodb

import (
	"errors"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// project is the part of a table item an index stores: its projection plus the table's
// and the index's keys, which every index holds.
func (ix *index) project(it attr.Item, tableKey attr.KeySchema) attr.Item {
	if ix.proj.ProjectionType == "ALL" {
		return it
	}
	out := attr.Item{}
	keep := func(name string) {
		if v, ok := it[name]; ok {
			out[name] = v
		}
	}
	for _, k := range slices.Concat(tableKey.Attributes(), ix.key.Attributes()) {
		keep(k.Name)
	}
	for _, name := range ix.proj.NonKeyAttributes {
		keep(name)
	}
	return out
}

// write replaces old (nil: none) with new (nil: delete) in the table and its indexes,
// which DynamoDB keeps in step with every write.
func (t *table) write(old, new attr.Item) {
	for _, ix := range slices.Concat(t.gsis, t.lsis) {
		if old != nil {
			ix.items.remove(ix.project(old, t.key))
		}
		if new != nil {
			ix.items.put(ix.project(new, t.key))
		}
	}
	if new == nil {
		if old != nil {
			t.items.remove(old)
		}
		return
	}
	t.items.put(new)
}

// asValidation turns the attr and expr packages' errors into DynamoDB's ValidationException.
func asValidation(err error) error {
	var ve *attr.ValidationError
	if errors.As(err, &ve) {
		return protocol.Validation("%s", ve.Message)
	}
	return err
}
