package policy

import (
	"container/list"
	"sync"
)

// DefaultCacheSize is the number of documents a zero Cache keeps.
const DefaultCacheSize = 1024

// Cache parses each distinct document once. It keeps the most recently used documents
// (and their errors) up to its size. The zero value is ready, with DefaultCacheSize.
type Cache struct {
	// Size bounds the documents kept; 0 means DefaultCacheSize. Set it before first use.
	Size int

	mu      sync.Mutex
	order   *list.List // of *cacheEntry, most recent first
	entries map[string]*list.Element
}

type cacheEntry struct {
	doc    string
	policy *Policy
	err    error
}

// Parse returns the parsed document, from the cache when it was parsed before.
func (c *Cache) Parse(doc string) (*Policy, error) {
	c.mu.Lock()
	if e, ok := c.entries[doc]; ok {
		c.order.MoveToFront(e)
		ce := e.Value.(*cacheEntry)
		c.mu.Unlock()
		return ce.policy, ce.err
	}
	c.mu.Unlock()

	p, err := Parse(doc) // outside the lock: parsing is the slow part

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries, c.order = map[string]*list.Element{}, list.New()
	}
	if e, ok := c.entries[doc]; ok { // parsed meanwhile by another caller
		ce := e.Value.(*cacheEntry)
		return ce.policy, ce.err
	}
	c.entries[doc] = c.order.PushFront(&cacheEntry{doc: doc, policy: p, err: err})
	size := c.Size
	if size <= 0 {
		size = DefaultCacheSize
	}
	for c.order.Len() > size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*cacheEntry).doc)
	}
	return p, err
}

// Len is the number of documents held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
