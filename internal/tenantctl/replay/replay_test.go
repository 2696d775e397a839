package replay

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ordersURL = "https://sqs.us-east-1.amazonaws.com/123456789012/ti-orders"
	fifoURL   = "https://sqs.us-east-1.amazonaws.com/123456789012/ti-orders.fifo"
	bufferURL = "https://sqs.us-east-1.amazonaws.com/123456789012/ti-events-buffer"
)

var sources = map[string]Source{
	"orders": {Kind: "sqs", QueueURL: ordersURL},
	"fifo":   {Kind: "sqs", QueueURL: fifoURL},
	"events": {Kind: "eventbridge", QueueURL: bufferURL},
	"direct": {Kind: "eventbridge", BusName: "ti-direct"},
}

type world struct {
	sqs    *fakeSQS
	ledger *fakeLedger
	events *fakeEvents
}

func newWorld() *world { return &world{sqs: newSQS(), ledger: newLedger(), events: &fakeEvents{}} }

// replayer is one run of tenantctl resume.
func (w *world) replayer() *Replayer {
	return New(w.sqs, w.events, w.ledger, Config{HeldQueueURL: heldURL, Sources: sources, Lease: time.Minute})
}

// holdAcme holds n messages of acme from orders, and one of globex.
func (w *world) holdAcme(n int) {
	for i := range n {
		w.sqs.hold("acme", "orders", fmt.Sprintf("m%d", i), fmt.Sprintf(`{"n":%d}`, i),
			map[string]string{"original_attributes": `{"amount":"12.5","tenantId":"acme"}`,
				"original_attribute_types": `{"amount":"Number"}`})
	}
	w.sqs.hold("globex", "orders", "g0", `{"g":0}`, nil)
}

// bodiesIn lists the bodies in a queue.
func (w *world) bodiesIn(url string) []string {
	var out []string
	for _, m := range w.sqs.in(url) {
		out = append(out, m.body)
	}
	return out
}

func TestReplaySendsEachHeldMessageBackAsItWas(t *testing.T) {
	w := newWorld()
	w.holdAcme(3)
	rep, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Replayed)
	assert.Equal(t, map[string]int{"orders": 3}, rep.BySource)
	assert.ElementsMatch(t, []string{`{"n":0}`, `{"n":1}`, `{"n":2}`}, w.bodiesIn(ordersURL))

	sent := w.sqs.sent[0]
	assert.Equal(t, "Number", aws.ToString(sent.MessageAttributes["amount"].DataType), "data types are restored")
	assert.Equal(t, "12.5", aws.ToString(sent.MessageAttributes["amount"].StringValue))
	assert.Equal(t, "String", aws.ToString(sent.MessageAttributes["tenantId"].DataType))
	assert.Len(t, sent.MessageAttributes, 2, "none of the held message's own attributes go back")
	for _, k := range []string{"m0", "m1", "m2"} {
		e := w.ledger.entries[LedgerKey("acme", "orders", k)]
		assert.Equal(t, StateSent, e.state)
		assert.NotEmpty(t, e.sentID, "the ledger names the replayed message")
	}

	held := w.sqs.in(heldURL)
	require.Len(t, held, 1, "only the other tenant's message stays held")
	assert.False(t, held[0].hidden, "and it is visible again for its own resume")
}

func TestReplayIsSafeToRerunAndToInterrupt(t *testing.T) {
	tests := []struct {
		name string
		// firstRun breaks or interrupts the first run; the second run is clean.
		firstRun       func(w *world) (ctx context.Context, cancel context.CancelFunc)
		wantFirstErr   bool
		between        func(w *world) // what passes between the runs
		wantSends      int            // across both runs, for 3 held messages
		wantAlreadyRun int            // second run's AlreadyReplayed
	}{
		{name: "a second run after a complete one sends nothing",
			wantSends: 3},
		{name: "an interrupt finishes the message in hand and the rerun sends the rest, once each",
			firstRun: func(w *world) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				w.sqs.sendErr = func(*sqs.SendMessageInput) error { cancel(); return nil }
				return ctx, cancel
			},
			wantSends: 3},
		{name: "a failed delete after the send is finished by the rerun without a second send",
			firstRun: func(w *world) (context.Context, context.CancelFunc) {
				w.sqs.delErr = errors.New("connection reset")
				return context.WithCancel(context.Background())
			},
			wantFirstErr: true,
			between:      func(w *world) { w.sqs.delErr = nil; w.sqs.expire() },
			wantSends:    3, wantAlreadyRun: 1},
		{name: "a failed send is sent by the rerun once the claim's lease has passed",
			firstRun: func(w *world) (context.Context, context.CancelFunc) {
				w.sqs.sendErr = func(*sqs.SendMessageInput) error { return errors.New("throttled") }
				return context.WithCancel(context.Background())
			},
			wantFirstErr: true,
			between: func(w *world) {
				w.sqs.sendErr = nil
				w.sqs.expire()
				w.ledger.advance(2 * time.Minute)
			},
			wantSends: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			w.holdAcme(3)
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tt.firstRun != nil {
				ctx, cancel = tt.firstRun(w)
			}
			first, err := w.replayer().Replay(ctx, []string{"acme"}, false, nil)
			cancel()
			if tt.wantFirstErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "run resume again")
			} else {
				require.NoError(t, err)
			}
			w.sqs.sendErr = nil
			if tt.between != nil {
				tt.between(w)
			}
			second, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.wantAlreadyRun, second.AlreadyReplayed)
			assert.Len(t, w.sqs.sent, tt.wantSends, "each held message is sent exactly once (first run %+v)", first)
			assert.ElementsMatch(t, []string{`{"n":0}`, `{"n":1}`, `{"n":2}`}, w.bodiesIn(ordersURL))
			assert.Len(t, w.sqs.in(heldURL), 1, "only globex's message is left")
			third, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
			require.NoError(t, err)
			assert.Zero(t, third.Held, "nothing of acme is left to replay")
		})
	}
}

func TestReplayInterruptedStopsBetweenMessages(t *testing.T) {
	w := newWorld()
	w.holdAcme(3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.sqs.sendErr = func(*sqs.SendMessageInput) error { cancel(); return nil }
	rep, err := w.replayer().Replay(ctx, []string{"acme"}, false, nil)
	require.NoError(t, err)
	assert.True(t, rep.Interrupted)
	assert.Less(t, rep.Replayed, 3, "it stopped early")
	assert.Len(t, w.sqs.sent, rep.Replayed, "the message in hand was finished: sent, confirmed and deleted")
}

// A crash between the send and the ledger's confirmation is the one window where a message can be sent twice:
// the rerun cannot know whether the send happened. It waits out the lease first.
func TestReplayCrashBetweenSendAndConfirm(t *testing.T) {
	w := newWorld()
	w.holdAcme(1)
	w.ledger.confirmErr = errors.New("killed")
	_, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
	require.ErrorContains(t, err, "was replayed but")
	w.ledger.confirmErr = nil
	w.sqs.expire()

	rep, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Replayed, "within the lease the claim is left alone")
	require.Len(t, rep.Kept, 1)
	assert.Contains(t, rep.Kept[0].Reason, "another resume claimed it")

	w.ledger.advance(2 * time.Minute)
	rep, err = w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Replayed)
	assert.Len(t, w.sqs.sent, 2, "the documented duplicate of a crash inside the window")
}

func TestReplayOfAMessageHeldTwiceSendsItOnce(t *testing.T) {
	w := newWorld()
	w.sqs.hold("acme", "orders", "m0", `{"n":0}`, nil)
	w.sqs.hold("acme", "orders", "m0", `{"n":0}`, nil) // the router held a redelivered message again
	rep, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Replayed)
	assert.Equal(t, 1, rep.AlreadyReplayed)
	assert.Len(t, w.sqs.sent, 1)
	assert.Empty(t, w.sqs.in(heldURL))
}

func TestReplayKeepsWhatItCannotReplayWhole(t *testing.T) {
	w := newWorld()
	w.sqs.hold("acme", "orders", "m0", `{"n":0}`, map[string]string{"original_truncated": "true"})
	w.sqs.hold("acme", "gone", "m1", `{"n":1}`, nil)
	rep, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, nil)
	require.NoError(t, err)
	assert.Zero(t, rep.Replayed)
	require.Len(t, rep.Kept, 2)
	reasons := []string{rep.Kept[0].Reason, rep.Kept[1].Reason}
	assert.Contains(t, reasons[0]+reasons[1], "replay it by hand")
	assert.Contains(t, reasons[0]+reasons[1], `pass -source gone=<queue url>`)
	assert.Len(t, w.sqs.in(heldURL), 2)
	for _, m := range w.sqs.in(heldURL) {
		assert.False(t, m.hidden, "kept messages are visible again")
	}
}

func TestReplayDryRunChangesNothing(t *testing.T) {
	w := newWorld()
	w.holdAcme(3)
	rep, err := w.replayer().Replay(context.Background(), []string{"acme"}, true, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Held)
	assert.Zero(t, rep.Replayed)
	assert.Empty(t, w.sqs.sent)
	assert.Empty(t, w.ledger.entries)
	for _, m := range w.sqs.in(heldURL) {
		assert.False(t, m.hidden)
	}
}

func TestReplayIntoEachKindOfSource(t *testing.T) {
	w := newWorld()
	w.sqs.hold("acme", "fifo", "f0", `{"f":0}`, map[string]string{"original_message_group_id": "acme"})
	w.sqs.hold("acme", "events", "e0", `{"id":"e0","detail":{"tenantId":"acme"}}`, nil)
	event := `{"version":"0","id":"d0","detail-type":"OrderPlaced","source":"shop","resources":["arn:x"],` +
		`"detail":{"tenantId":"acme","n":1}}`
	w.sqs.hold("acme", "direct", "d0", event, nil)
	var progress []int
	rep, err := w.replayer().Replay(context.Background(), []string{"acme"}, false, func(r Report) {
		progress = append(progress, r.Replayed)
	})
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Replayed)
	assert.Equal(t, []int{1, 2, 3}, progress, "progress after each message")

	fifo := w.sqs.in(fifoURL)
	require.Len(t, fifo, 1)
	for _, s := range w.sqs.sent {
		if aws.ToString(s.QueueUrl) == fifoURL {
			assert.Equal(t, "acme", aws.ToString(s.MessageGroupId), "the FIFO group is restored")
			assert.Len(t, aws.ToString(s.MessageDeduplicationId), 64, "a deduplication ID from the ledger key")
		}
	}
	assert.Equal(t, []string{`{"id":"e0","detail":{"tenantId":"acme"}}`}, w.bodiesIn(bufferURL),
		"a buffered event goes back to its buffer queue, id and all")
	require.Len(t, w.events.put, 1)
	e := w.events.put[0].Entries[0]
	assert.Equal(t, "ti-direct", aws.ToString(e.EventBusName))
	assert.Equal(t, "shop", aws.ToString(e.Source))
	assert.Equal(t, "OrderPlaced", aws.ToString(e.DetailType))
	assert.JSONEq(t, `{"tenantId":"acme","n":1}`, aws.ToString(e.Detail))
	assert.Equal(t, []string{"arn:x"}, e.Resources)
}

func TestLedgerKey(t *testing.T) {
	assert.Equal(t, "acme#replay#orders#m-1", LedgerKey("acme", "orders", "m-1"))
}
