package verdict

import (
	"strings"
	"testing"
	"time"
)

func TestThroughputResult(t *testing.T) {
	r := ThroughputResult{Messages: 5000, Tenants: 50, Elapsed: 4 * time.Second, SendTime: 3 * time.Second,
		ColdStarts: map[string]int{"a": 1, "b": 3}, RSSKB: []int{6000, 8000, 7000}}
	if got := r.PerSecond(); got != 1250 {
		t.Errorf("PerSecond = %v, want 1250", got)
	}
	if got := r.ColdStartsPerTenant(); got != 4.0/50 {
		t.Errorf("ColdStartsPerTenant = %v, want %v", got, 4.0/50)
	}
	if mean, largest := r.RSSStats(); mean != 7000 || largest != 8000 {
		t.Errorf("RSSStats = %d, %d; want 7000, 8000", mean, largest)
	}
	for _, want := range []string{"1250 msg/s", "(1-3)", "3 backend environments", "7000 KB mean, 8000 KB largest"} {
		if !strings.Contains(r.String(), want) {
			t.Errorf("%q lacks %q", r.String(), want)
		}
	}
	var zero ThroughputResult
	if zero.PerSecond() != 0 || zero.ColdStartsPerTenant() != 0 {
		t.Errorf("an empty result must report zeros, got %v and %v", zero.PerSecond(), zero.ColdStartsPerTenant())
	}
	if mean, largest := zero.RSSStats(); mean != 0 || largest != 0 {
		t.Errorf("an empty result must report no memory, got %d, %d", mean, largest)
	}
}

func TestThroughputMeasure(t *testing.T) {
	start := time.Unix(1000, 0)
	r := ThroughputResult{Messages: 3, Tenants: 2}
	r.Measure(start, []Evidence{
		{TenantID: "a", ColdStart: true, SentAt: start.Add(time.Second)},
		{TenantID: "a", SentAt: start.Add(3 * time.Second)},
		{TenantID: "b", ColdStart: true, SentAt: start.Add(2 * time.Second)},
	})
	if r.Elapsed != 3*time.Second || r.ColdStarts["a"] != 1 || r.ColdStarts["b"] != 1 || r.PerSecond() != 1 {
		t.Errorf("elapsed %s, cold starts %v, rate %v", r.Elapsed, r.ColdStarts, r.PerSecond())
	}
}
