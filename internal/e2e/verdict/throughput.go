package verdict

import (
	"fmt"
	"sort"
	"time"
)

// ThroughputResult is one end-to-end throughput run: SQS send to backend completion.
type ThroughputResult struct {
	Messages int
	Tenants  int
	SendTime time.Duration // until the last SendMessageBatch returned
	// Elapsed runs from the first send to the last evidence record, which the worker
	// writes at the end of its invocation (the record's SentTimestamp, in ms).
	Elapsed time.Duration
	// ColdStarts per tenant, from the worker's records.
	ColdStarts map[string]int
	// RSSKB is the resident memory of each live backend environment, from localaws's
	// table right after the run; nil on AWS.
	RSSKB  []int
	Report Report
}

// Measure fills ColdStarts and Elapsed (from start to the last record) from the evidence.
func (r *ThroughputResult) Measure(start time.Time, evidence []Evidence) {
	r.ColdStarts = map[string]int{}
	var last time.Time
	for _, e := range evidence {
		if e.ColdStart {
			r.ColdStarts[e.TenantID]++
		}
		if e.SentAt.After(last) {
			last = e.SentAt
		}
	}
	r.Elapsed = last.Sub(start)
}

// PerSecond is the end-to-end rate.
func (r ThroughputResult) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Messages) / r.Elapsed.Seconds()
}

// ColdStartsPerTenant is the mean number of cold starts a tenant saw.
func (r ThroughputResult) ColdStartsPerTenant() float64 {
	n := 0
	for _, c := range r.ColdStarts {
		n += c
	}
	return float64(n) / float64(max(r.Tenants, 1))
}

// RSSStats is the mean and largest resident memory per backend environment, in KB.
func (r ThroughputResult) RSSStats() (mean, largest int) {
	if len(r.RSSKB) == 0 {
		return 0, 0
	}
	sum := 0
	for _, kb := range r.RSSKB {
		sum += kb
		largest = max(largest, kb)
	}
	return sum / len(r.RSSKB), largest
}

// String summarises the run.
func (r ThroughputResult) String() string {
	mean, largest := r.RSSStats()
	counts := make([]int, 0, len(r.ColdStarts))
	for _, c := range r.ColdStarts {
		counts = append(counts, c)
	}
	sort.Ints(counts)
	spread := "n/a"
	if len(counts) > 0 {
		spread = fmt.Sprintf("%d-%d", counts[0], counts[len(counts)-1])
	}
	return fmt.Sprintf("%d messages over %d tenants: %.0f msg/s (%s end to end, sent in %s); cold starts per tenant %.1f (%s); "+
		"%d backend environments, resident memory %d KB mean, %d KB largest",
		r.Messages, r.Tenants, r.PerSecond(), r.Elapsed.Round(time.Millisecond), r.SendTime.Round(time.Millisecond),
		r.ColdStartsPerTenant(), spread, len(r.RSSKB), mean, largest)
}
