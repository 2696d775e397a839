package router

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
)

// registryOf is a fake registry table of n active tenants (t00000 …) plus globex, and their IDs.
func registryOf(n int) (*fakeRegistry, []string) {
	reg := &fakeRegistry{items: map[string]string{"globex": "ACTIVE"}}
	ids := []string{"globex"}
	for i := range n {
		id := fmt.Sprintf("t%05d", i)
		reg.items[id] = "ACTIVE"
		ids = append(ids, id)
	}
	return reg, ids
}

// warm returns a cache over reg that holds every one of ids, fresh.
func warm(b *testing.B, reg *fakeRegistry, ids []string) *registry.Cache {
	b.Helper()
	c := registry.New(reg, registryTable, registry.Options{TTL: time.Hour})
	for id, r := range c.Resolve(context.Background(), ids) {
		require.NoError(b, r.Err, id)
	}
	reg.calls.Store(0)
	return c
}

// warmRegistry is a warm cache of n tenants plus globex.
func warmRegistry(b *testing.B, n int) (*registry.Cache, *fakeRegistry) {
	reg, ids := registryOf(n)
	return warm(b, reg, ids), reg
}

// BenchmarkRouteRecordRegistryHit is BenchmarkRouteRecord with the tenant registry, its cache warm: the registry's
// share is one cache lookup per batch. Target: <= 25 µs per record, with allocations.
func BenchmarkRouteRecordRegistryHit(b *testing.B) {
	for _, tt := range benchRecords {
		b.Run(tt.name, func(b *testing.B) {
			cache, reg := warmRegistry(b, 0)
			r, _ := benchRouter(b, config.ModeAsync, cache)
			loopRoute(b, r, benchRecord("m-1", tt.sourceARN, tt.body))
			if n := reg.calls.Load(); n != 0 {
				b.Fatalf("%d registry calls on a warm cache, want 0", n)
			}
		})
	}
}

// BenchmarkHandleSQSBatchRegistryHit is a batch of 10 records for 10 tenants through Handle with a warm registry
// cache of 10,000 tenants, per record.
func BenchmarkHandleSQSBatchRegistryHit(b *testing.B) {
	cache, reg := warmRegistry(b, 10_000)
	r, _ := benchRouter(b, config.ModeAsync, cache)
	var batch events.SQSEvent
	for i := range 10 {
		rec := benchRecord(fmt.Sprintf("m-%d", i), benchAttrARN, benchBody)
		id := fmt.Sprintf("t%05d", i*997)
		rec.MessageAttributes["tenantId"] = events.SQSMessageAttribute{DataType: "String", StringValue: &id}
		batch.Records = append(batch.Records, rec)
	}
	ctx := benchCtx(b)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		resp, err := r.HandleSQS(ctx, batch)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			b.Fatalf("batch failed: %v %v", err, resp.BatchItemFailures)
		}
	}
	runtime.ReadMemStats(&after)
	per := float64(b.N * len(batch.Records))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/record")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/record")
	if n := reg.calls.Load(); n != 0 {
		b.Fatalf("%d registry calls on a warm cache, want 0", n)
	}
}

// BenchmarkRegistryCacheMemory reports the heap that a warm cache of 10,000 tenants holds (the fake table is built
// before the first reading, so it is not counted).
func BenchmarkRegistryCacheMemory(b *testing.B) {
	const n = 10_000
	reg, ids := registryOf(n)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		cache := warm(b, reg, ids)
		runtime.GC()
		runtime.ReadMemStats(&after)
		if cache.Len() != n+1 {
			b.Fatalf("cache holds %d tenants, want %d", cache.Len(), n+1)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB/10k-tenants")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/tenant")
		runtime.KeepAlive(cache)
	}
}
