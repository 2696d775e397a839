package registry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const table = "orders-tenants"

// fakeTable answers BatchGetItem from items (tenant -> status). It fails every call while err is set, leaves the
// last `unprocessed` keys of its next call unprocessed, and blocks each call until gate is closed when gate is set.
type fakeTable struct {
	mu          sync.Mutex
	items       map[string]string
	err         error
	unprocessed int
	gate        chan struct{}
	calls       atomic.Int32
	keysAsked   [][]string
}

func (f *fakeTable) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	f.calls.Add(1)
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ka := in.RequestItems[table]
	if len(ka.Keys) > MaxKeysPerBatchGet {
		return nil, errors.New("ValidationException: too many items requested for the BatchGetItem call")
	}
	if ka.ExpressionAttributeNames["#s"] != AttrStatus {
		return nil, errors.New("ValidationException: status is a reserved word")
	}
	ids := idsOf(ka.Keys)
	f.keysAsked = append(f.keysAsked, ids)
	if f.err != nil {
		return nil, f.err
	}
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
	served := ids
	if f.unprocessed > 0 && f.unprocessed <= len(ids) {
		served = ids[:len(ids)-f.unprocessed]
		out.UnprocessedKeys = map[string]types.KeysAndAttributes{table: {Keys: ka.Keys[len(ids)-f.unprocessed:]}}
		f.unprocessed = 0
	}
	for _, id := range served {
		if st, ok := f.items[id]; ok {
			out.Responses[table] = append(out.Responses[table], map[string]types.AttributeValue{
				AttrTenantID: &types.AttributeValueMemberS{Value: id},
				AttrStatus:   &types.AttributeValueMemberS{Value: st},
			})
		}
	}
	return out, nil
}

func (f *fakeTable) set(id, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[id] = status
}

func (f *fakeTable) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// clock is a clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newCache(t *testing.T, items map[string]string) (*Cache, *fakeTable, *clock) {
	t.Helper()
	ft := &fakeTable{items: items}
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return New(ft, table, Options{TTL: time.Minute, StaleFor: 5 * time.Minute, Backoff: time.Millisecond, Now: clk.now}), ft, clk
}

func statuses(res map[string]Result) map[string]Status {
	out := map[string]Status{}
	for id, r := range res {
		out[id] = r.Status
	}
	return out
}

var errThrottled = errors.New("ProvisionedThroughputExceededException")

func TestResolve(t *testing.T) {
	items := map[string]string{"acme": "ACTIVE", "globex": "SUSPENDED", "initech": "OFFBOARDED", "typo": "ACTIV"}
	tests := []struct {
		name      string
		ids       []string
		want      map[string]Status
		wantErr   []string // tenants whose result is an error
		wantCalls int32
	}{
		{name: "each status is read as it is", ids: []string{"acme", "globex", "initech"},
			want: map[string]Status{"acme": Active, "globex": Suspended, "initech": Offboarded}, wantCalls: 1},
		{name: "a tenant without an item is unknown", ids: []string{"nobody"},
			want: map[string]Status{"nobody": Unknown}, wantCalls: 1},
		{name: "a tenant twice in a batch is read once", ids: []string{"acme", "acme", "acme"},
			want: map[string]Status{"acme": Active}, wantCalls: 1},
		{name: "an item with a status outside the three is an error, not unknown", ids: []string{"typo", "acme"},
			want: map[string]Status{"acme": Active, "typo": Unknown}, wantErr: []string{"typo"}, wantCalls: 1},
		{name: "an empty batch reads nothing", ids: nil, want: map[string]Status{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ft, _ := newCache(t, items)
			res := c.Resolve(context.Background(), tt.ids)
			assert.Equal(t, tt.want, statuses(res))
			var errs []string
			for id, r := range res {
				if r.Err != nil {
					errs = append(errs, id)
				}
			}
			assert.ElementsMatch(t, tt.wantErr, errs)
			assert.Equal(t, tt.wantCalls, ft.calls.Load())
		})
	}
}

func TestResolveCallsPerBatch(t *testing.T) {
	items := map[string]string{}
	var ids []string
	for i := range 250 {
		id := fmt.Sprintf("t%03d", i)
		items[id] = "ACTIVE"
		ids = append(ids, id)
	}
	tests := []struct {
		name      string
		warm      []string // resolved first
		ids       []string
		wantCalls int32 // for ids, after warm
	}{
		{name: "a cold batch of 10 tenants is one call", ids: ids[:10], wantCalls: 1},
		{name: "a warm batch is no call", warm: ids[:10], ids: ids[:10], wantCalls: 0},
		{name: "only the tenants not cached are read, in one call", warm: ids[:5], ids: ids[:10], wantCalls: 1},
		{name: "more than 100 tenants are read 100 keys per call", ids: ids, wantCalls: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ft, _ := newCache(t, items)
			c.Resolve(context.Background(), tt.warm)
			ft.calls.Store(0)
			res := c.Resolve(context.Background(), tt.ids)
			assert.Len(t, res, len(tt.ids))
			assert.Equal(t, tt.wantCalls, ft.calls.Load())
		})
	}
}

func TestResolveTTL(t *testing.T) {
	c, ft, clk := newCache(t, map[string]string{"acme": "ACTIVE"})
	ctx := context.Background()

	assert.Equal(t, Unknown, c.Resolve(ctx, []string{"newco"})["newco"].Status)
	ft.set("newco", "ACTIVE")
	clk.add(59 * time.Second)
	assert.Equal(t, Unknown, c.Resolve(ctx, []string{"newco"})["newco"].Status, "an unknown tenant is cached")
	clk.add(time.Second)
	assert.Equal(t, Active, c.Resolve(ctx, []string{"newco"})["newco"].Status,
		"a tenant added at run time is seen once the TTL has passed")

	assert.Equal(t, Active, c.Resolve(ctx, []string{"acme"})["acme"].Status)
	ft.set("acme", "SUSPENDED")
	clk.add(time.Minute)
	assert.Equal(t, Suspended, c.Resolve(ctx, []string{"acme"})["acme"].Status, "a suspension is seen after the TTL")
	assert.Equal(t, int32(4), ft.calls.Load())
}

func TestResolveWhenTheRegistryFails(t *testing.T) {
	tests := []struct {
		name      string
		cached    bool   // acme was read once before the failure
		itemFirst string // acme's item when first read ("" = none)
		after     time.Duration
		want      Result // Err is compared for presence only
	}{
		{name: "a tenant never read is an error, never unknown", want: Result{Err: errThrottled}},
		{name: "a stale status is served within the stale window", cached: true, itemFirst: "ACTIVE",
			after: 2 * time.Minute, want: Result{Status: Active, Stale: true}},
		{name: "a stale suspension is served too, so nothing reaches the backend", cached: true,
			itemFirst: "SUSPENDED", after: 2 * time.Minute, want: Result{Status: Suspended, Stale: true}},
		{name: "a status past the stale window is an error", cached: true, itemFirst: "ACTIVE",
			after: 6 * time.Minute, want: Result{Err: errThrottled}},
		{name: "an unknown tenant is never served stale: it may have been added since", cached: true,
			after: 2 * time.Minute, want: Result{Err: errThrottled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := map[string]string{}
			if tt.itemFirst != "" {
				items["acme"] = tt.itemFirst
			}
			c, ft, clk := newCache(t, items)
			if tt.cached {
				c.Resolve(context.Background(), []string{"acme"})
			}
			clk.add(tt.after)
			ft.fail(errThrottled)
			got := c.Resolve(context.Background(), []string{"acme"})["acme"]
			assert.Equal(t, tt.want.Status, got.Status)
			assert.Equal(t, tt.want.Stale, got.Stale)
			if tt.want.Err != nil {
				require.ErrorIs(t, got.Err, errThrottled)
			} else {
				require.NoError(t, got.Err)
			}
		})
	}
}

func TestResolveRecoversAfterAnOutage(t *testing.T) {
	c, ft, clk := newCache(t, map[string]string{"acme": "ACTIVE"})
	ft.fail(errThrottled)
	require.Error(t, c.Resolve(context.Background(), []string{"acme"})["acme"].Err)
	ft.fail(nil)
	clk.add(time.Millisecond)
	assert.Equal(t, Result{Status: Active}, c.Resolve(context.Background(), []string{"acme"})["acme"],
		"a failure is not cached")
}

func TestResolveUnprocessedKeys(t *testing.T) {
	tests := []struct {
		name        string
		unprocessed int
		attempts    int
		wantErr     bool
		wantCalls   int32
	}{
		{name: "unprocessed keys are asked again", unprocessed: 1, attempts: 3, wantErr: false, wantCalls: 2},
		{name: "keys still unprocessed after the last attempt are an error", unprocessed: 1, attempts: 1,
			wantErr: true, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTable{items: map[string]string{"a": "ACTIVE", "b": "ACTIVE"}, unprocessed: tt.unprocessed}
			c := New(ft, table, Options{Attempts: tt.attempts, Backoff: time.Millisecond})
			res := c.Resolve(context.Background(), []string{"a", "b"})
			assert.Equal(t, Result{Status: Active}, res["a"])
			if tt.wantErr {
				assert.ErrorContains(t, res["b"].Err, "unprocessed")
			} else {
				assert.Equal(t, Result{Status: Active}, res["b"])
			}
			assert.Equal(t, tt.wantCalls, ft.calls.Load())
			if tt.wantCalls == 2 {
				assert.Equal(t, []string{"b"}, ft.keysAsked[1], "only the unprocessed key is asked again")
			}
		})
	}
}

func TestResolveOneLookupInFlightPerTenant(t *testing.T) {
	ft := &fakeTable{items: map[string]string{"acme": "ACTIVE", "globex": "ACTIVE"}, gate: make(chan struct{})}
	c := New(ft, table, Options{})
	const callers = 8
	var wg sync.WaitGroup
	results := make([]map[string]Result, callers)
	wg.Add(callers)
	for i := range callers {
		go func() {
			defer wg.Done()
			results[i] = c.Resolve(context.Background(), []string{"acme", "globex"})
		}()
	}
	// Wait until the first lookup is in flight and every other caller had time to join it.
	require.Eventually(t, func() bool { return ft.calls.Load() >= 1 }, time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	close(ft.gate)
	wg.Wait()
	assert.Equal(t, int32(1), ft.calls.Load(), "concurrent lookups of the same tenants share one call")
	for _, r := range results {
		assert.Equal(t, map[string]Status{"acme": Active, "globex": Active}, statuses(r))
	}
}

func TestResolveBoundsTheCache(t *testing.T) {
	ft := &fakeTable{items: map[string]string{"acme": "ACTIVE"}}
	clk := &clock{t: time.Unix(0, 0)}
	c := New(ft, table, Options{MaxEntries: 10, StaleFor: 5 * time.Minute, Now: clk.now})
	c.Resolve(context.Background(), []string{"acme"})
	for i := range 30 {
		c.Resolve(context.Background(), []string{fmt.Sprintf("made-up-%d", i)})
	}
	assert.LessOrEqual(t, c.Len(), 10)
	ft.fail(errThrottled)
	clk.add(2 * time.Minute)
	got := c.Resolve(context.Background(), []string{"acme"})["acme"]
	assert.Equal(t, Result{Status: Active, Stale: true}, got, "known tenants survive a flood of made-up IDs")
}

func TestParseStatus(t *testing.T) {
	for _, s := range []string{"ACTIVE", "SUSPENDED", "OFFBOARDED"} {
		st, err := ParseStatus(s)
		require.NoError(t, err)
		assert.Equal(t, s, string(st))
	}
	_, err := ParseStatus("active")
	assert.ErrorContains(t, err, "ACTIVE, SUSPENDED, OFFBOARDED")
}
