package dynamodb

import (
	"cmp"
	"hash/fnv"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// store holds the items of a table or of one index, grouped by partition and sorted by
// sort key within each, the order Query reads. Partitions are kept in the order of
// their encoded keys, so that Scan pages resume where they stopped.
//
// An index may hold several items with one index key; they are ordered by the table
// key (tableKey), which is also how an item is found again to be replaced or removed.
type store struct {
	key      attr.KeySchema
	tableKey *attr.KeySchema // nil for the table itself
	parts    map[string]*partition
	order    []string // partition codes, sorted
	n        int
	size     int64
}

type partition struct {
	code  string
	items []attr.Item
}

func newStore(key attr.KeySchema, tableKey *attr.KeySchema) *store {
	return &store{key: key, tableKey: tableKey, parts: map[string]*partition{}}
}

// code is a scalar key value as a string that equal values share: numbers by value,
// so 1 and 1.0 are one key, as in DynamoDB.
func code(v attr.Value) string {
	switch v.Type() {
	case attr.TypeN:
		if n, err := attr.ParseNumber(v.N()); err == nil {
			return "N" + n.String()
		}
		return "N" + v.N()
	case attr.TypeB:
		return "B" + string(v.B())
	}
	return "S" + v.S()
}

func (s *store) len() int {
	if s == nil {
		return 0
	}
	return s.n
}

func (s *store) bytes() int64 {
	if s == nil {
		return 0
	}
	return s.size
}

// holds reports whether the item belongs in the store: an index is sparse, holding
// only items that carry its key attributes with their declared types.
func (s *store) holds(it attr.Item) bool {
	for _, k := range s.key.Attributes() {
		if v, ok := it[k.Name]; !ok || v.Type() != k.Type {
			return false
		}
	}
	return true
}

// compare orders two items of one partition: by sort key, then, in an index, by table key.
func (s *store) compare(a, b attr.Item) int {
	if s.key.Sort.Name != "" {
		if c, _ := attr.Compare(a[s.key.Sort.Name], b[s.key.Sort.Name]); c != 0 {
			return c
		}
	}
	if s.tableKey == nil {
		return 0
	}
	if c := cmp.Compare(code(a[s.tableKey.Partition.Name]), code(b[s.tableKey.Partition.Name])); c != 0 {
		return c
	}
	if s.tableKey.Sort.Name == "" {
		return 0
	}
	c, _ := attr.Compare(a[s.tableKey.Sort.Name], b[s.tableKey.Sort.Name])
	return c
}

// find is where an item with it's position is, or would go, in its partition.
func (s *store) find(it attr.Item) (*partition, int, bool) {
	p := s.parts[code(it[s.key.Partition.Name])]
	if p == nil {
		return nil, 0, false
	}
	i, found := slices.BinarySearchFunc(p.items, it, s.compare)
	return p, i, found
}

// get returns the stored item at the position of key (for the table: its key).
func (s *store) get(key attr.Item) (attr.Item, bool) {
	p, i, found := s.find(key)
	if !found {
		return nil, false
	}
	return p.items[i], true
}

// put stores it, replacing the item at its position. Items the store does not hold
// (an index's sparse gaps) are ignored.
func (s *store) put(it attr.Item) {
	if !s.holds(it) {
		return
	}
	p, i, found := s.find(it)
	if p == nil {
		c := code(it[s.key.Partition.Name])
		p = &partition{code: c}
		s.parts[c] = p
		j, _ := slices.BinarySearch(s.order, c)
		s.order = slices.Insert(s.order, j, c)
	}
	if found {
		s.size -= int64(attr.Size(p.items[i]))
		p.items[i] = it
	} else {
		p.items = slices.Insert(p.items, i, it)
		s.n++
	}
	s.size += int64(attr.Size(it))
}

// remove deletes the item at the position of it, if any.
func (s *store) remove(it attr.Item) {
	if !s.holds(it) {
		return
	}
	p, i, found := s.find(it)
	if !found {
		return
	}
	s.size -= int64(attr.Size(p.items[i]))
	s.n--
	p.items = slices.Delete(p.items, i, i+1)
	if len(p.items) == 0 {
		delete(s.parts, p.code)
		j, _ := slices.BinarySearch(s.order, p.code)
		s.order = slices.Delete(s.order, j, j+1)
	}
}

// each calls fn on every item in store order.
func (s *store) each(fn func(attr.Item)) {
	for _, c := range s.order {
		for _, it := range s.parts[c].items {
			fn(it)
		}
	}
}

// partition returns the items of one partition in sort order; the slice is the
// store's own.
func (s *store) partition(pk attr.Value) []attr.Item {
	if p := s.parts[code(pk)]; p != nil {
		return p.items
	}
	return nil
}

// segmentOf is the Scan segment of a partition code: a stable hash, so that every
// partition falls in exactly one of totalSegments.
func segmentOf(partitionCode string, totalSegments int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(partitionCode))
	return int(h.Sum32() % uint32(totalSegments))
}

// scan calls fn on the items of the partitions keep accepts, in store order, after
// the position of start (nil: from the first), until fn returns false.
func (s *store) scan(start attr.Item, keep func(partitionCode string) bool, fn func(attr.Item) bool) {
	from := 0
	var startCode string
	if start != nil {
		startCode = code(start[s.key.Partition.Name])
		from, _ = slices.BinarySearch(s.order, startCode)
	}
	for _, c := range s.order[from:] {
		if !keep(c) {
			continue
		}
		for _, it := range s.parts[c].items {
			if start != nil && c == startCode && s.compare(it, start) <= 0 {
				continue
			}
			if !fn(it) {
				return
			}
		}
	}
}
