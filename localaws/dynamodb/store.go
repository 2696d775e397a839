package dynamodb

// store holds the items of a table or index.
type store struct {
	n    int
	size int64
}

type storedItem struct{}

func newStore() *store { return &store{} }

func (s *store) len() int               { return s.n }
func (s *store) bytes() int64           { return s.size }
func (s *store) each(func(storedItem))  {}
func (s *store) put(keyDef, storedItem) {}
