package e2e

import (
	"context"
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

func TestWaitForMessages(t *testing.T) {
	c := startQueues(t)
	url, _ := createQueue(t, c, "evidence")
	for range 3 {
		send(t, c, url, "{}", nil)
	}
	if err := waitForMessages(context.Background(), c, url, 3, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	err := waitForMessages(context.Background(), c, url, 4, 500*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "3 of 4 messages") {
		t.Fatalf("got %v", err)
	}
}
