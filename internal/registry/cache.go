package registry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// BatchGetter is the part of the DynamoDB client the router's cache uses.
type BatchGetter interface {
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

// Defaults of Options.
const (
	DefaultTTL         = 60 * time.Second
	DefaultMaxEntries  = 100_000
	DefaultAttempts    = 3 // BatchGetItem calls per chunk while DynamoDB returns UnprocessedKeys
	DefaultBackoff     = 50 * time.Millisecond
	MaxKeysPerBatchGet = 100 // DynamoDB's limit
)

// Options tune a Cache. Zero values take the defaults.
type Options struct {
	// TTL is how long a status (or the absence of an item) is trusted before the registry is read again.
	TTL time.Duration
	// StaleFor is how long past its TTL a status is still served while the registry fails. Only statuses of tenants
	// the registry has are served stale: an unknown tenant is retried, never quarantined on an old answer.
	// Zero never serves a stale status.
	StaleFor time.Duration
	// MaxEntries bounds the cache. Past it, expired entries are dropped, then entries for unknown tenants, so that a
	// flood of made-up tenant IDs cannot grow the router's memory without bound.
	MaxEntries int
	// Attempts bounds the BatchGetItem calls per chunk of keys while DynamoDB leaves keys unprocessed (throttling).
	Attempts int
	// Backoff is the wait before the first retry of unprocessed keys; it doubles after each one.
	Backoff time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Result is what the registry says about one tenant.
type Result struct {
	Status Status
	// Stale is set when Status is past its TTL and served because the registry failed.
	Stale bool
	// Err is set when the status could not be read and no entry was fresh enough to serve: the message must be
	// retried, never quarantined.
	Err error
}

// Cache reads tenant statuses from the registry table. It is safe for concurrent use.
type Cache struct {
	client BatchGetter
	table  string
	opts   Options

	mu      sync.Mutex
	entries map[string]entry
	flights map[string]*flight
}

type entry struct {
	status  Status
	fetched time.Time
}

// flight is one BatchGetItem round for a set of tenants; lookups of the same tenants wait for it.
type flight struct {
	done chan struct{}
	res  map[string]Result // complete before done is closed
}

// New returns a Cache over table (a table name).
func New(client BatchGetter, table string, opts Options) *Cache {
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	opts.StaleFor = max(opts.StaleFor, 0)
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.Attempts <= 0 {
		opts.Attempts = DefaultAttempts
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Cache{client: client, table: table, opts: opts, entries: map[string]entry{}, flights: map[string]*flight{}}
}

// Len is the number of cached entries.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Resolve returns a Result for every tenant in ids. Fresh entries answer from memory; the rest are read with one
// BatchGetItem per MaxKeysPerBatchGet tenants (plus retries of unprocessed keys), except tenants another caller is
// already reading, whose answer it waits for.
func (c *Cache) Resolve(ctx context.Context, ids []string) map[string]Result {
	out := make(map[string]Result, len(ids))
	now := c.opts.Now()
	var (
		misses []string
		mine   *flight
		waits  map[string]*flight
	)
	c.mu.Lock()
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		if e, ok := c.entries[id]; ok && now.Sub(e.fetched) < c.opts.TTL {
			out[id] = Result{Status: e.status}
			continue
		}
		if f, ok := c.flights[id]; ok {
			if f != mine {
				if waits == nil {
					waits = map[string]*flight{}
				}
				waits[id] = f
			}
			continue
		}
		if mine == nil {
			mine = &flight{done: make(chan struct{}), res: map[string]Result{}}
		}
		c.flights[id] = mine
		misses = append(misses, id)
	}
	c.mu.Unlock()

	if mine != nil {
		c.fetch(ctx, misses, mine)
		for id, r := range mine.res {
			out[id] = r
		}
	}
	for id, f := range waits {
		select {
		case <-f.done:
			out[id] = f.res[id]
		case <-ctx.Done():
			out[id] = Result{Err: fmt.Errorf("registry: waiting for the lookup of a tenant: %w", ctx.Err())}
		}
	}
	return out
}

// fetch reads ids, records what it learnt, and completes f.
func (c *Cache) fetch(ctx context.Context, ids []string, f *flight) {
	found, unread, err := c.read(ctx, ids)
	now := c.opts.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.flights, id)
		if raw, ok := found[id]; ok {
			st, perr := ParseStatus(raw)
			if perr != nil {
				f.res[id] = Result{Err: fmt.Errorf("registry: item of this tenant in table %s: %w; fix the item", c.table, perr)}
				continue
			}
			c.entries[id] = entry{status: st, fetched: now}
			f.res[id] = Result{Status: st}
			continue
		}
		if _, ok := unread[id]; !ok {
			c.entries[id] = entry{status: Unknown, fetched: now} // negative caching
			f.res[id] = Result{Status: Unknown}
			continue
		}
		if e, ok := c.entries[id]; ok && e.status != Unknown && now.Sub(e.fetched) < c.opts.TTL+c.opts.StaleFor {
			f.res[id] = Result{Status: e.status, Stale: true}
			continue
		}
		f.res[id] = Result{Err: err}
	}
	if len(c.entries) > c.opts.MaxEntries {
		c.sweep(now)
	}
	close(f.done)
}

// sweep drops expired entries, then, if the cache is still over its bound, entries for unknown tenants.
func (c *Cache) sweep(now time.Time) {
	for id, e := range c.entries {
		if now.Sub(e.fetched) >= c.opts.TTL+c.opts.StaleFor {
			delete(c.entries, id)
		}
	}
	if len(c.entries) <= c.opts.MaxEntries {
		return
	}
	for id, e := range c.entries {
		if e.status == Unknown {
			delete(c.entries, id)
		}
	}
}

// read returns the status attribute of every item found, the keys it could not read, and why.
func (c *Cache) read(ctx context.Context, ids []string) (found map[string]string, unread map[string]struct{}, err error) {
	found = make(map[string]string, len(ids))
	unread = map[string]struct{}{}
	var errs []error
	for start := 0; start < len(ids); start += MaxKeysPerBatchGet {
		chunk := ids[start:min(start+MaxKeysPerBatchGet, len(ids))]
		if cerr := c.readChunk(ctx, chunk, found); cerr != nil {
			errs = append(errs, cerr.err)
			for _, id := range cerr.keys {
				unread[id] = struct{}{}
			}
		}
	}
	return found, unread, errors.Join(errs...)
}

type chunkError struct {
	keys []string
	err  error
}

func (c *Cache) readChunk(ctx context.Context, ids []string, found map[string]string) *chunkError {
	keys := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		keys[i] = key(id)
	}
	backoff := c.opts.Backoff
	for attempt := 1; ; attempt++ {
		out, err := c.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
			RequestItems: map[string]types.KeysAndAttributes{c.table: {
				Keys:                     keys,
				ProjectionExpression:     aws.String(AttrTenantID + ", #s"),
				ExpressionAttributeNames: map[string]string{"#s": AttrStatus}, // status is a reserved word
			}},
		})
		if err != nil {
			return &chunkError{keys: idsOf(keys), err: fmt.Errorf("registry: BatchGetItem on %s: %w", c.table, err)}
		}
		for _, item := range out.Responses[c.table] {
			id, ok := item[AttrTenantID].(*types.AttributeValueMemberS)
			if !ok {
				continue
			}
			st, _ := item[AttrStatus].(*types.AttributeValueMemberS)
			if st == nil {
				found[id.Value] = "<missing or not a string>"
				continue
			}
			found[id.Value] = st.Value
		}
		keys = out.UnprocessedKeys[c.table].Keys
		if len(keys) == 0 {
			return nil
		}
		if attempt >= c.opts.Attempts {
			return &chunkError{keys: idsOf(keys), err: fmt.Errorf("registry: BatchGetItem on %s left %d keys "+
				"unprocessed after %d attempts (throttled); raise the table's read capacity or use on-demand mode",
				c.table, len(keys), attempt)}
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return &chunkError{keys: idsOf(keys), err: fmt.Errorf("registry: retrying unprocessed keys: %w", ctx.Err())}
		}
		backoff *= 2
	}
}

// Key is the registry item key of a tenant.
func key(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrTenantID: &types.AttributeValueMemberS{Value: id}}
}

func idsOf(keys []map[string]types.AttributeValue) []string {
	ids := make([]string, 0, len(keys))
	for _, k := range keys {
		if s, ok := k[AttrTenantID].(*types.AttributeValueMemberS); ok {
			ids = append(ids, s.Value)
		}
	}
	return ids
}
