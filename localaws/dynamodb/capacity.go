package dynamodb

import (
	"maps"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Capacity unit sizes: a read unit reads up to 4 KB strongly consistent (two eventually
// consistent), a write unit writes up to 1 KB. Transactions cost twice as much.
const (
	readUnitBytes  = 4096
	writeUnitBytes = 1024
)

// ReturnConsumedCapacity values.
const (
	capacityNone    = "NONE"
	capacityTotal   = "TOTAL"
	capacityIndexes = "INDEXES"
)

type capacity struct {
	CapacityUnits      float64
	ReadCapacityUnits  *float64 `json:",omitempty"`
	WriteCapacityUnits *float64 `json:",omitempty"`
}

type consumedCapacity struct {
	TableName              string
	CapacityUnits          float64
	ReadCapacityUnits      *float64            `json:",omitempty"`
	WriteCapacityUnits     *float64            `json:",omitempty"`
	Table                  *capacity           `json:",omitempty"`
	GlobalSecondaryIndexes map[string]capacity `json:",omitempty"`
	LocalSecondaryIndexes  map[string]capacity `json:",omitempty"`
}

// meter counts the capacity one request consumes on one table and its indexes.
type meter struct {
	table  string
	write  bool
	units  float64
	gsis   map[string]float64
	lsis   map[string]float64
	factor float64 // 2 in a transaction
}

func newMeter(table string, write bool) *meter {
	return &meter{table: table, write: write, factor: 1, gsis: map[string]float64{}, lsis: map[string]float64{}}
}

// units rounds bytes up to whole units of unit bytes, at least one.
func units(bytes, unit int) float64 {
	return float64(max(1, (bytes+unit-1)/unit))
}

// read adds a read of bytes, on the table or, when ix is set, on an index.
func (m *meter) read(bytes int, consistent bool, ix *index) {
	u := units(bytes, readUnitBytes) * m.factor
	if !consistent {
		u /= 2
	}
	m.add(u, ix)
}

func (m *meter) add(u float64, ix *index) {
	switch {
	case ix == nil:
		m.units += u
	case ix.global:
		m.gsis[ix.name] += u
	default:
		m.lsis[ix.name] += u
	}
}

// writeItem adds the write of an item that was old and becomes new (either may be
// nil) to the table and to every index it is, was or becomes in.
func (m *meter) writeItem(t *table, old, new attr.Item) {
	m.add(units(max(sizeOf(old), sizeOf(new)), writeUnitBytes)*m.factor, nil)
	for _, ix := range slices.Concat(t.gsis, t.lsis) {
		inOld, inNew := old != nil && ix.items.holds(old), new != nil && ix.items.holds(new)
		var po, pn attr.Item
		if inOld {
			po = ix.project(old, t.key)
		}
		if inNew {
			pn = ix.project(new, t.key)
		}
		switch {
		case inOld && inNew && ix.items.compare(po, pn) == 0 && code(po[ix.key.Partition.Name]) == code(pn[ix.key.Partition.Name]):
			m.add(units(max(attr.Size(po), attr.Size(pn)), writeUnitBytes)*m.factor, ix)
		case inOld && inNew: // the index key changed: a delete and a put
			m.add((units(attr.Size(po), writeUnitBytes)+units(attr.Size(pn), writeUnitBytes))*m.factor, ix)
		case inOld:
			m.add(units(attr.Size(po), writeUnitBytes)*m.factor, ix)
		case inNew:
			m.add(units(attr.Size(pn), writeUnitBytes)*m.factor, ix)
		}
	}
}

func sizeOf(it attr.Item) int {
	if it == nil {
		return 0
	}
	return attr.Size(it)
}

// report is the ConsumedCapacity for mode, or nil when the request did not ask.
func (m *meter) report(mode string) *consumedCapacity {
	if m == nil || (mode != capacityTotal && mode != capacityIndexes) {
		return nil
	}
	total := m.units
	for _, u := range m.gsis {
		total += u
	}
	for _, u := range m.lsis {
		total += u
	}
	c := &consumedCapacity{TableName: m.table, CapacityUnits: total}
	m.split(&c.ReadCapacityUnits, &c.WriteCapacityUnits, total)
	if mode == capacityTotal {
		return c
	}
	c.Table = m.capacity(m.units)
	c.GlobalSecondaryIndexes = m.indexCapacity(m.gsis)
	c.LocalSecondaryIndexes = m.indexCapacity(m.lsis)
	return c
}

func (m *meter) split(read, write **float64, u float64) {
	if m.write {
		*write = &u
	} else {
		*read = &u
	}
}

func (m *meter) capacity(u float64) *capacity {
	c := &capacity{CapacityUnits: u}
	m.split(&c.ReadCapacityUnits, &c.WriteCapacityUnits, u)
	return c
}

func (m *meter) indexCapacity(by map[string]float64) map[string]capacity {
	if len(by) == 0 {
		return nil
	}
	out := make(map[string]capacity, len(by))
	for _, name := range slices.Sorted(maps.Keys(by)) {
		out[name] = *m.capacity(by[name])
	}
	return out
}

// meters is the capacity of a request over several tables (batches, transactions).
type meters struct {
	write  bool
	factor float64
	by     map[string]*meter
	order  []string
}

func newMeters(write bool, factor float64) *meters {
	return &meters{write: write, factor: factor, by: map[string]*meter{}}
}

func (ms *meters) of(table string) *meter {
	m := ms.by[table]
	if m == nil {
		m = newMeter(table, ms.write)
		m.factor = ms.factor
		ms.by[table] = m
		ms.order = append(ms.order, table)
	}
	return m
}

// report is the list form of ConsumedCapacity, one entry per table in order of first use.
func (ms *meters) report(mode string) []consumedCapacity {
	var out []consumedCapacity
	for _, name := range ms.order {
		if c := ms.by[name].report(mode); c != nil {
			out = append(out, *c)
		}
	}
	return out
}
