package expr

import (
	"regexp"
	"slices"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Placeholders holds one request's ExpressionAttributeNames and
// ExpressionAttributeValues and tracks which of them its expressions use: DynamoDB
// rejects a request that defines a placeholder none of its expressions uses. One value
// serves one request and is not safe for concurrent use; parsed expressions are
// immutable and are.
type Placeholders struct {
	names      map[string]string
	values     attr.Item
	usedNames  map[string]bool
	usedValues map[string]bool
}

var (
	nameKey  = regexp.MustCompile(`^#[A-Za-z0-9_]+$`)
	valueKey = regexp.MustCompile(`^:[A-Za-z0-9_]+$`)
)

// NewPlaceholders validates the two maps as DynamoDB does. A nil map is an absent
// parameter; a non-nil empty map is an error.
func NewPlaceholders(names map[string]string, values attr.Item) (*Placeholders, error) {
	if names != nil && len(names) == 0 {
		return nil, attr.Errorf("ExpressionAttributeNames must not be empty")
	}
	for _, k := range sortedKeys(names) {
		if !nameKey.MatchString(k) {
			return nil, attr.Errorf("ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", k)
		}
		if names[k] == "" {
			return nil, attr.Errorf("ExpressionAttributeNames contains invalid value: Empty attribute name for key %s", k)
		}
	}
	if values != nil && len(values) == 0 {
		return nil, attr.Errorf("ExpressionAttributeValues must not be empty")
	}
	for _, k := range sortedKeys(values) {
		if !valueKey.MatchString(k) {
			return nil, attr.Errorf("ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"", k)
		}
		if err := attr.Validate(values[k]); err != nil {
			return nil, attr.Errorf("ExpressionAttributeValues contains invalid value: %s for key %s", err.Error(), k)
		}
	}
	return &Placeholders{names: names, values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}, nil
}

// name resolves #placeholder and marks it used.
func (p *Placeholders) name(ph string) (string, bool) {
	if p == nil {
		return "", false
	}
	n, ok := p.names[ph]
	if ok {
		p.usedNames[ph] = true
	}
	return n, ok
}

// value resolves :placeholder and marks it used.
func (p *Placeholders) value(ph string) (attr.Value, bool) {
	if p == nil {
		return attr.Value{}, false
	}
	v, ok := p.values[ph]
	if ok {
		p.usedValues[ph] = true
	}
	return v, ok
}

// Unused reports placeholders that no parsed expression used, names first, with
// DynamoDB's message. Call it after parsing every expression of the request.
func (p *Placeholders) Unused() error {
	if p == nil {
		return nil
	}
	if keys := unused(sortedKeys(p.names), p.usedNames); keys != "" {
		return attr.Errorf("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", keys)
	}
	if keys := unused(sortedKeys(p.values), p.usedValues); keys != "" {
		return attr.Errorf("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", keys)
	}
	return nil
}

func unused(keys []string, used map[string]bool) string {
	var out []string
	for _, k := range keys {
		if !used[k] {
			out = append(out, k)
		}
	}
	return strings.Join(out, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
