package attr

// KeyAttribute is a key attribute of a table or index, with its declared type (S, N or B).
type KeyAttribute struct {
	Name string
	Type Type
}

// KeySchema is a table's or index's key. Sort.Name is empty for a partition key alone.
type KeySchema struct {
	Partition, Sort KeyAttribute
}

// Attributes is the key attributes, partition first.
func (ks KeySchema) Attributes() []KeyAttribute {
	if ks.Sort.Name == "" {
		return []KeyAttribute{ks.Partition}
	}
	return []KeyAttribute{ks.Partition, ks.Sort}
}

// KeyOf is the item's key: its key attributes only.
func (ks KeySchema) KeyOf(it Item) Item {
	key := Item{}
	for _, k := range ks.Attributes() {
		if v, ok := it[k.Name]; ok {
			key[k.Name] = v
		}
	}
	return key
}

// DynamoDB's key size limits: 2048 bytes for a partition key, 1024 for a sort key.
const (
	maxPartitionKeyBytes = 2048
	maxSortKeyBytes      = 1024
)

// CheckItemKey checks that an item to write (PutItem, a BatchWriteItem put) carries
// every key attribute with its declared type, non-empty and within the size limits.
func CheckItemKey(it Item, ks KeySchema) error {
	for _, k := range ks.Attributes() {
		v, ok := it[k.Name]
		if !ok {
			return Errorf(Invalid+"Missing the key %s in the item", k.Name)
		}
		if v.Type() != k.Type {
			return Errorf(Invalid+"Type mismatch for key %s expected: %s actual: %s", k.Name, k.Type, v.Type())
		}
	}
	return checkKeyValues(it, ks)
}

// CheckKey checks a Key parameter (GetItem, UpdateItem, DeleteItem): exactly the key
// attributes with their declared types, non-empty and within the size limits.
func CheckKey(key Item, ks KeySchema) error {
	if len(key) != len(ks.Attributes()) {
		return Errorf("The provided key element does not match the schema")
	}
	for _, k := range ks.Attributes() {
		if v, ok := key[k.Name]; !ok || v.Type() != k.Type {
			return Errorf("The provided key element does not match the schema")
		}
	}
	return checkKeyValues(key, ks)
}

func checkKeyValues(it Item, ks KeySchema) error {
	for i, k := range ks.Attributes() {
		v := it[k.Name]
		switch {
		case v.Type() == TypeS && v.S() == "":
			return Errorf(Invalid+"The AttributeValue for a key attribute cannot contain an empty string value. Key: %s", k.Name)
		case v.Type() == TypeB && v.S() == "":
			return Errorf(Invalid+"The AttributeValue for a key attribute cannot contain an empty binary value. Key: %s", k.Name)
		case i == 0 && ValueSize(v) > maxPartitionKeyBytes:
			return Errorf(Invalid + "Size of hashkey has exceeded the maximum size limit of2048 bytes")
		case i == 1 && ValueSize(v) > maxSortKeyBytes:
			return Errorf(Invalid + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
	}
	return nil
}
