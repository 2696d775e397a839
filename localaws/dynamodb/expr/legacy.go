package expr

import (
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// AttributeUpdate is one entry of UpdateItem's legacy AttributeUpdates parameter,
// which the Terraform provider's aws_dynamodb_table_item still sends.
type AttributeUpdate struct {
	// Action is PUT (the default), ADD or DELETE.
	Action string      `json:"Action,omitempty"`
	Value  *attr.Value `json:"Value,omitempty"`
}

const msgLegacyTypeMismatch = "Type mismatch for attribute to update"

// ValidateAttributeUpdates checks AttributeUpdates as DynamoDB does before it reads
// the item.
func ValidateAttributeUpdates(updates map[string]AttributeUpdate) error {
	for _, name := range sortedKeys(updates) {
		u := updates[name]
		switch u.Action {
		case "", "PUT", "ADD", "DELETE":
		default:
			return attr.Errorf("1 validation error detected: Value '%s' at 'attributeUpdates.%s.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]", u.Action, name)
		}
		if u.Value == nil {
			if u.Action != "DELETE" {
				return attr.Errorf(attr.Invalid + "Only DELETE action is allowed when no attribute value is specified")
			}
			continue
		}
		if err := attr.Validate(*u.Value); err != nil {
			return err
		}
		t := u.Value.Type()
		switch {
		case u.Action == "DELETE" && !u.Value.IsSet():
			return attr.Errorf(attr.Invalid+"DELETE action with value is not supported for the type %s", t)
		case u.Action == "ADD" && !u.Value.IsSet() && t != attr.TypeN && t != attr.TypeL:
			return attr.Errorf(attr.Invalid+"ADD action is not supported for the type %s", t)
		}
	}
	return nil
}

// ApplyAttributeUpdates returns the item after the legacy updates (validated first):
// PUT replaces; ADD adds to a number, unions into a set, appends to a list, or creates
// the attribute; DELETE removes the attribute, or, with a value, members of a set.
func ApplyAttributeUpdates(item attr.Item, updates map[string]AttributeUpdate) (attr.Item, error) {
	if err := ValidateAttributeUpdates(updates); err != nil {
		return nil, err
	}
	out := item.Clone()
	if out == nil {
		out = attr.Item{}
	}
	for _, name := range sortedKeys(updates) {
		u := updates[name]
		old, exists := out[name]
		switch {
		case u.Action == "" || u.Action == "PUT":
			out[name] = *u.Value
		case u.Action == "DELETE" && u.Value == nil:
			delete(out, name)
		case exists && old.Type() != u.Value.Type():
			return nil, attr.Errorf(msgLegacyTypeMismatch)
		case u.Action == "DELETE":
			if !exists {
				continue
			}
			if rest := attr.Difference(old, *u.Value); rest.Len() > 0 {
				out[name] = rest
			} else {
				delete(out, name)
			}
		case !exists:
			out[name] = *u.Value
		case old.Type() == attr.TypeN:
			sum, err := arithmetic{op: "+", l: valueOperand{old}, r: valueOperand{*u.Value}}.value(nil)
			if err != nil {
				return nil, err
			}
			out[name] = sum
		case old.Type() == attr.TypeL:
			out[name] = attr.L(append(slices.Clone(old.L()), u.Value.L()...)...)
		default:
			out[name] = attr.Union(old, *u.Value)
		}
	}
	return out, nil
}

// AttributeUpdatesNames is the attribute names legacy updates write, sorted.
func AttributeUpdatesNames(updates map[string]AttributeUpdate) []string { return sortedKeys(updates) }
