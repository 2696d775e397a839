package verdict

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCheckSuspension(t *testing.T) {
	resumed := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	effective := resumed.Add(-time.Minute)
	early, before, after := effective.Add(-time.Second), resumed.Add(-time.Second), resumed.Add(time.Second)
	held := []Held{
		{MessageID: "sqs-1", Tenant: "t1", ReplayedAs: "sqs-1-replay"},
		{MessageID: "evt-1", Tenant: "t1", ReplayedAs: "evt-1"},
		{MessageID: "sqs-2", Tenant: "t2"}, // not replayed
	}
	tests := []struct {
		name       string
		evidence   []Evidence
		wantIDs    []string
		wantInvoke int
	}{
		{name: "a replay after the resume counts as the held message",
			evidence: []Evidence{{MessageID: "sqs-1-replay", SentAt: after}, {MessageID: "evt-1", SentAt: after}},
			wantIDs:  []string{"sqs-1", "evt-1"}},
		{name: "a held message that ran before the resume is a violation",
			evidence: []Evidence{{MessageID: "sqs-2", SentAt: before}}, wantIDs: []string{"sqs-2"}, wantInvoke: 1},
		{name: "a held message that ran before the suspension took effect is a duplicate, not a violation",
			evidence: []Evidence{{MessageID: "sqs-2", SentAt: early}}, wantIDs: []string{"sqs-2"}},
		{name: "messages of other tenants pass untouched",
			evidence: []Evidence{{MessageID: "other", SentAt: before}}, wantIDs: []string{"other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, s, violations := CheckSuspension(Outcome{Evidence: tt.evidence}, held, effective, resumed)
			var ids []string
			for _, e := range got.Evidence {
				ids = append(ids, e.MessageID)
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantInvoke, s.InvokedWhileSuspended)
			assert.Len(t, violations, tt.wantInvoke)
			assert.Equal(t, 3, s.Held)
			assert.Equal(t, 2, s.Replayed)
		})
	}
}

func TestCheckSuspensionCountsAParkedReplayAsTheHeldMessage(t *testing.T) {
	held := []Held{{MessageID: "sqs-1", Tenant: "t1", ReplayedAs: "sqs-1-replay"}}
	got, _, _ := CheckSuspension(Outcome{Parked: []Parked{{MessageID: "sqs-1-replay", Queue: QueueOnFailure},
		{MessageID: "other", Queue: QueueOnFailure}}}, held, time.Now(), time.Now())
	assert.Equal(t, []Parked{{MessageID: "sqs-1", Queue: QueueOnFailure}, {MessageID: "other", Queue: QueueOnFailure}},
		got.Parked)
	assert.True(t, got.AccountsFor([]Sent{{MessageID: "sqs-1", Tenant: "t1"}}, nil),
		"a replay that ended in the on-failure queue accounts for the held message")
}
