package dynamodb

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Per-table index limits of DynamoDB.
const (
	maxGSIs = 20
	maxLSIs = 5
	// maxProjected is the limit on non-key attributes projected over all of a table's indexes.
	maxProjected = 100
)

// checkMembers applies the API model's member constraints to a key schema and
// attribute definitions, as the first, syntactic pass of CreateTable.
func checkMembers(v *shape.Violations, defs []attributeDefinition, ks []keySchemaElement) {
	if defs == nil {
		v.Null("attributeDefinitions")
	}
	for i, d := range defs {
		v.Enum(fmt.Sprintf("attributeDefinitions.%d.member.attributeType", i+1), d.AttributeType, "B", "N", "S")
	}
	checkKeySchemaMembers(v, "keySchema", ks)
}

func checkKeySchemaMembers(v *shape.Violations, member string, ks []keySchemaElement) {
	switch {
	case ks == nil:
		v.Null(member)
	case len(ks) == 0:
		v.Add("[]", member, "Member must have length greater than or equal to 1")
	case len(ks) > 2:
		v.Add(keySchemaText(ks), member, "Member must have length less than or equal to 2")
	}
	for i, k := range ks {
		v.Enum(fmt.Sprintf("%s.%d.member.keyType", member, i+1), k.KeyType, keyHash, keyRange)
	}
}

// keySchemaText renders a key schema the way AWS quotes it in constraint messages.
func keySchemaText(ks []keySchemaElement) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("KeySchemaElement(attributeName=%s, keyType=%s)", k.AttributeName, k.KeyType)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// parseKey reads a key schema against the attribute definitions.
func parseKey(ks []keySchemaElement, types map[string]string) (attr.KeySchema, error) {
	var k attr.KeySchema
	if len(ks) == 0 || ks[0].KeyType != keyHash {
		return k, protocol.Validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if len(ks) == 2 && ks[1].KeyType != keyRange {
		return k, protocol.Validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	}
	if len(ks) == 2 && ks[0].AttributeName == ks[1].AttributeName {
		return k, protocol.Validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	k.Partition = attr.KeyAttribute{Name: ks[0].AttributeName, Type: attr.Type(types[ks[0].AttributeName])}
	if len(ks) == 2 {
		k.Sort = attr.KeyAttribute{Name: ks[1].AttributeName, Type: attr.Type(types[ks[1].AttributeName])}
	}
	return k, nil
}

// definedTypes maps each attribute definition to its type; DynamoDB refuses one defined twice.
func definedTypes(defs []attributeDefinition) (map[string]string, error) {
	types := make(map[string]string, len(defs))
	for _, d := range defs {
		if _, dup := types[d.AttributeName]; dup {
			return nil, errInvalid("Duplicate AttributeName in AttributeDefinitions: %s", d.AttributeName)
		}
		types[d.AttributeName] = d.AttributeType
	}
	return types, nil
}

// checkDefinitions requires every key attribute of the table and its indexes to be
// defined, and nothing else: DynamoDB stores no schema for other attributes.
func checkDefinitions(defs []attributeDefinition, types map[string]string, keys [][]keySchemaElement) error {
	used := map[string]bool{}
	var missing []string
	for _, ks := range keys {
		for _, k := range ks {
			if types[k.AttributeName] == "" && !slices.Contains(missing, k.AttributeName) {
				missing = append(missing, k.AttributeName)
			}
			used[k.AttributeName] = true
		}
	}
	if len(missing) > 0 {
		names := make([]string, len(defs))
		for i, d := range defs {
			names[i] = d.AttributeName
		}
		return errInvalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], "+
			"AttributeDefinitions: [%s]", strings.Join(missing, ", "), strings.Join(names, ", "))
	}
	if len(used) != len(types) {
		return errInvalid("Number of attributes in KeySchema does not exactly match number of attributes " +
			"defined in AttributeDefinitions")
	}
	return nil
}

// checkProjection applies DynamoDB's rules for an index projection.
func checkProjection(p *projection, indexName string) (projection, error) {
	if p == nil {
		return projection{}, errInvalid("Projection must be specified for index: %s", indexName)
	}
	switch p.ProjectionType {
	case "ALL", "KEYS_ONLY":
		if len(p.NonKeyAttributes) > 0 {
			return projection{}, errInvalid("ProjectionType is %s, but NonKeyAttributes is specified", p.ProjectionType)
		}
	case "INCLUDE":
		if len(p.NonKeyAttributes) == 0 {
			return projection{}, errInvalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
		}
	case "":
		return projection{}, errInvalid("Unknown ProjectionType: null")
	default:
		return projection{}, errInvalid("Unknown ProjectionType: %s", p.ProjectionType)
	}
	return *p, nil
}

// checkThroughput applies the billing mode's rule on provisioned capacity to the table
// (indexName "") or to one index.
func checkThroughput(billing string, pt *provisionedThroughput, indexName string) (rcu, wcu int64, err error) {
	given := pt != nil && (pt.ReadCapacityUnits != nil || pt.WriteCapacityUnits != nil)
	switch {
	case billing == billingPayPerRequest && given && indexName == "":
		return 0, 0, errInvalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when " +
			"BillingMode is PAY_PER_REQUEST")
	case billing == billingPayPerRequest && given:
		return 0, 0, errInvalid("ProvisionedThroughput should not be specified for index: %s when BillingMode is "+
			"PAY_PER_REQUEST", indexName)
	case billing == billingPayPerRequest:
		return 0, 0, nil
	case indexName == "" && (pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil):
		return 0, 0, errInvalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when " +
			"BillingMode is PROVISIONED")
	case pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil:
		return 0, 0, errInvalid("ProvisionedThroughput must be specified for index: %s", indexName)
	}
	var v shape.Violations
	member := "provisionedThroughput"
	if indexName != "" {
		member = "globalSecondaryIndexes.member.provisionedThroughput"
	}
	v.Range(member+".readCapacityUnits", int(*pt.ReadCapacityUnits), 1, 1<<62)
	v.Range(member+".writeCapacityUnits", int(*pt.WriteCapacityUnits), 1, 1<<62)
	return *pt.ReadCapacityUnits, *pt.WriteCapacityUnits, v.Err(protocol.Validation)
}

// newIndex checks one index definition against its table.
func newIndex(name string, ks []keySchemaElement, p *projection, types map[string]string, global bool,
	tableKey attr.KeySchema) (*index, error) {
	if name == "" {
		return nil, errInvalid("Index name must be specified")
	}
	k, err := parseKey(ks, types)
	if err != nil {
		return nil, err
	}
	if !global {
		if k.Sort.Name == "" {
			return nil, errInvalid("Index KeySchema does not have a range key for index: %s", name)
		}
		if k.Partition.Name != tableKey.Partition.Name {
			return nil, errInvalid("Index KeySchema does not have the same leading hash key as table KeySchema "+
				"for index: %s. index hash key: %s, table hash key: %s", name, k.Partition.Name, tableKey.Partition.Name)
		}
	}
	proj, err := checkProjection(p, name)
	if err != nil {
		return nil, err
	}
	return &index{name: name, global: global, keySchema: ks, key: k, proj: proj,
		items: newStore(k, &tableKey)}, nil
}

// checkIndexSet applies the per-table limits over all indexes: unique names and the
// projected non-key attributes.
func checkIndexSet(ixs []*index) error {
	seen := map[string]bool{}
	projected := map[string]bool{}
	var gsis, lsis int
	for _, ix := range ixs {
		if seen[ix.name] {
			return errInvalid("Duplicate index name: %s", ix.name)
		}
		seen[ix.name] = true
		for _, a := range ix.proj.NonKeyAttributes {
			projected[a] = true
		}
		if ix.global {
			gsis++
		} else {
			lsis++
		}
	}
	if lsis > maxLSIs {
		return errInvalid("Number of LocalSecondaryIndexes exceeds per-table limit of %d", maxLSIs)
	}
	if gsis > maxGSIs {
		return errInvalid("Number of GlobalSecondaryIndexes exceeds per-table limit of %d", maxGSIs)
	}
	if len(projected) > maxProjected {
		return errInvalid("The number of projected attributes in all indexes of a table exceeds %d: %s",
			maxProjected, strings.Join(slices.Sorted(maps.Keys(projected)), ", "))
	}
	return nil
}
