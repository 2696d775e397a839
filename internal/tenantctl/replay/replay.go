// Package replay puts a resumed tenant's held messages back into the sources they came from, each once.
//
// Exactly once, across reruns and interruptions, rests on a ledger entry per held message in the registry table,
// keyed by tenant, source and original message ID, and on this order for each message:
//
//  1. If the ledger says SENT, the message was replayed before and only its delete from the held queue was missing
//     (or the router held the same message twice): delete it, send nothing.
//  2. Claim it in the ledger (SENDING), conditionally: a live claim of another run wins, and the message is left.
//  3. Send it to its source; 4. mark it SENT; 5. delete it from the held queue.
//
// An interrupt (SIGINT, a cancelled context) stops between messages: the message in hand is taken through steps 3-5
// first. A run killed outright after 2 but before 4 leaves a SENDING claim; a later run takes it over once the claim
// is older than the lease and sends the message again, since it cannot know whether the send happened. That window is
// the one a process crash opens in any at-least-once system, and it is the only one.
package replay

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/router"
)

// Queue is the part of the SQS client replay uses.
type Queue interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// Publisher is the part of the EventBridge client replay uses, for sources that invoke the router directly.
type Publisher interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// Ledger records which held messages were replayed (DynamoLedger).
type Ledger interface {
	State(ctx context.Context, key string) (string, error)
	Claim(ctx context.Context, key, run string, lease time.Duration) (bool, error)
	// Confirm records that key was sent, as the message (or event) sentID.
	Confirm(ctx context.Context, key, run, sentID string) error
}

// Source is where a source's messages are replayed to: its queue (an SQS source, or an EventBridge source's buffer
// queue), or, for an EventBridge source that invokes the router directly, its bus.
type Source struct {
	Kind     string `json:"kind"`
	QueueURL string `json:"queue_url,omitempty"`
	BusName  string `json:"bus_name,omitempty"`
}

// Config says where things are and how long to wait.
type Config struct {
	HeldQueueURL string
	Sources      map[string]Source
	// Visibility is how long a received held message stays hidden from other readers; default 60 s.
	Visibility time.Duration
	// Lease is how old another run's claim must be before this run takes it over; default 2 minutes.
	Lease time.Duration
	// EmptyReceives is how many receives in a row must find nothing before the held queue counts as read; default 2.
	EmptyReceives int
}

// Kept is a held message of the tenant that was left in the held queue, and why.
type Kept struct {
	MessageID string `json:"original_message_id"`
	Source    string `json:"source"`
	Reason    string `json:"reason"`
}

// Report is what a run did (or, in a dry run, would do).
type Report struct {
	Tenants         []string       `json:"tenant_ids"`
	DryRun          bool           `json:"dry_run"`
	Held            int            `json:"held"`             // the tenant's held messages found
	Replayed        int            `json:"replayed"`         // sent to their source and deleted from the held queue
	AlreadyReplayed int            `json:"already_replayed"` // replayed by an earlier run: deleted, not sent again
	BySource        map[string]int `json:"by_source"`        // held messages per source
	Kept            []Kept         `json:"kept,omitempty"`
	Interrupted     bool           `json:"interrupted"`
}

// Replayer replays held messages.
type Replayer struct {
	q      Queue
	events Publisher
	ledger Ledger
	cfg    Config
	run    string
}

// New returns a Replayer. events may be nil when no source invokes the router directly.
func New(q Queue, events Publisher, ledger Ledger, cfg Config) *Replayer {
	if cfg.Visibility <= 0 {
		cfg.Visibility = time.Minute
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.EmptyReceives <= 0 {
		cfg.EmptyReceives = 2
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails
	return &Replayer{q: q, events: events, ledger: ledger, cfg: cfg, run: hex.EncodeToString(b[:])}
}

// Replay reads the whole held queue once and replays the messages of the tenants, calling progress after each one
// (nil for none). With dryRun it counts them and changes nothing. Messages of other tenants are made visible again at
// the end. When ctx is cancelled it finishes the message in hand, stops, and reports Interrupted.
func (r *Replayer) Replay(ctx context.Context, tenants []string, dryRun bool, progress func(Report)) (Report, error) {
	rep := Report{Tenants: tenants, DryRun: dryRun, BySource: map[string]int{}}
	want := make(map[string]bool, len(tenants))
	for _, t := range tenants {
		want[t] = true
	}
	var release []string // receipt handles to make visible again
	defer func() { r.release(context.WithoutCancel(ctx), release) }()

	seen := map[string]bool{}
	for empty := 0; empty < r.cfg.EmptyReceives; {
		if ctx.Err() != nil {
			rep.Interrupted = true
			return rep, nil
		}
		out, err := r.q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:              aws.String(r.cfg.HeldQueueURL),
			MaxNumberOfMessages:   10,
			WaitTimeSeconds:       1,
			VisibilityTimeout:     int32(r.cfg.Visibility / time.Second),
			MessageAttributeNames: []string{"All"},
		})
		if err != nil {
			if ctx.Err() != nil {
				rep.Interrupted = true
				return rep, nil
			}
			return rep, fmt.Errorf("reading the held queue %s: %w", r.cfg.HeldQueueURL, err)
		}
		if len(out.Messages) == 0 {
			empty++
			continue
		}
		empty = 0
		for i, m := range out.Messages {
			if ctx.Err() != nil {
				for _, rest := range out.Messages[i:] {
					release = append(release, aws.ToString(rest.ReceiptHandle))
				}
				rep.Interrupted = true
				return rep, nil
			}
			a := stringAttrs(m.MessageAttributes)
			id := aws.ToString(m.MessageId)
			tenant := a[router.AttrHeldTenantID]
			if !want[tenant] || seen[id] {
				release = append(release, aws.ToString(m.ReceiptHandle))
				continue
			}
			seen[id] = true
			rep.Held++
			rep.BySource[a[router.AttrSource]]++
			if dryRun {
				release = append(release, aws.ToString(m.ReceiptHandle))
				continue
			}
			kept, err := r.replayOne(ctx, tenant, m, a, &rep)
			if err != nil {
				return rep, err
			}
			if kept {
				release = append(release, aws.ToString(m.ReceiptHandle))
			}
			if progress != nil {
				progress(rep)
			}
		}
	}
	return rep, nil
}

// replayOne takes one held message of the tenant through the ledger protocol. It reports whether the message was
// left in the held queue.
func (r *Replayer) replayOne(ctx context.Context, tenant string, m sqstypes.Message, a map[string]string, rep *Report) (bool, error) {
	srcName, origID := a[router.AttrSource], a[router.AttrOriginalMessageID]
	keep := func(reason string) (bool, error) {
		rep.Kept = append(rep.Kept, Kept{MessageID: origID, Source: srcName, Reason: reason})
		return true, nil
	}
	if a[router.AttrOriginalTruncated] == "true" {
		return keep("the held copy lost part of the original (original_truncated): replay it by hand from the held queue")
	}
	src, ok := r.cfg.Sources[srcName]
	if !ok {
		return keep(fmt.Sprintf("source %q is not known: pass -source %s=<queue url>, or -chdir to the Terraform that created it", srcName, srcName))
	}
	k := LedgerKey(tenant, srcName, origID)
	state, err := r.ledger.State(ctx, k)
	if err != nil {
		return false, err
	}
	// From here on the message is finished even if ctx is cancelled: an interrupt stops between messages.
	done := context.WithoutCancel(ctx)
	if state == StateSent {
		if err := r.deleteHeld(done, m); err != nil {
			return false, err
		}
		rep.AlreadyReplayed++
		return false, nil
	}
	claimed, err := r.ledger.Claim(done, k, r.run, r.cfg.Lease)
	if err != nil {
		return false, err
	}
	if !claimed {
		return keep(fmt.Sprintf("another resume claimed it less than %s ago; run resume again after that", r.cfg.Lease))
	}
	sentID, err := r.send(done, src, srcName, k, m, a)
	if err != nil {
		return false, fmt.Errorf("replaying message %s into source %s: %w (run resume again: the message is still held)", origID, srcName, err)
	}
	if err := r.ledger.Confirm(done, k, r.run, sentID); err != nil {
		return false, fmt.Errorf("message %s was replayed but %w; run resume again within %s so that it is not sent twice", origID, err, r.cfg.Lease)
	}
	if err := r.deleteHeld(done, m); err != nil {
		return false, err
	}
	rep.Replayed++
	return false, nil
}

// LedgerKey is the ledger's key for a held message.
func LedgerKey(tenant, source, messageID string) string {
	sep := registry.KeySeparator
	return tenant + sep + "replay" + sep + source + sep + messageID
}

// send puts the message back into its source and returns the ID the source gave it.
func (r *Replayer) send(ctx context.Context, src Source, srcName, key string, m sqstypes.Message, a map[string]string) (string, error) {
	if src.QueueURL != "" {
		in := &sqs.SendMessageInput{QueueUrl: aws.String(src.QueueURL), MessageBody: m.Body}
		attrs, err := originalAttributes(a)
		if err != nil {
			return "", err
		}
		if len(attrs) > 0 {
			in.MessageAttributes = attrs
		}
		if strings.HasSuffix(src.QueueURL, ".fifo") {
			group := a[router.AttrOriginalMessageGroup]
			if group == "" {
				group = srcName
			}
			sum := sha256.Sum256([]byte(key))
			in.MessageGroupId = aws.String(group)
			// FIFO queues drop a second send with the same ID for 5 minutes, closing even the crash window there.
			in.MessageDeduplicationId = aws.String(hex.EncodeToString(sum[:]))
		}
		out, err := r.q.SendMessage(ctx, in)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.MessageId), nil
	}
	if src.BusName == "" {
		return "", fmt.Errorf("source %q has neither a queue URL nor a bus name", srcName)
	}
	if r.events == nil {
		return "", errors.New("no EventBridge client")
	}
	entry, err := eventEntry(aws.ToString(m.Body), src.BusName)
	if err != nil {
		return "", err
	}
	out, err := r.events.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{entry}})
	if err != nil {
		return "", err
	}
	if len(out.Entries) == 0 {
		return "", errors.New("PutEvents returned no entry")
	}
	if out.FailedEntryCount > 0 {
		return "", fmt.Errorf("PutEvents refused the event: %s %s", aws.ToString(out.Entries[0].ErrorCode),
			aws.ToString(out.Entries[0].ErrorMessage))
	}
	return aws.ToString(out.Entries[0].EventId), nil
}

// eventEntry rebuilds the PutEvents entry of an EventBridge event as the router received it. The event gets a new
// id: EventBridge assigns one on every PutEvents.
func eventEntry(body, bus string) (ebtypes.PutEventsRequestEntry, error) {
	var ev struct {
		Source     string          `json:"source"`
		DetailType string          `json:"detail-type"`
		Detail     json.RawMessage `json:"detail"`
		Resources  []string        `json:"resources"`
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		return ebtypes.PutEventsRequestEntry{}, fmt.Errorf("the held event is not JSON: %w", err)
	}
	entry := ebtypes.PutEventsRequestEntry{
		EventBusName: aws.String(bus),
		Source:       aws.String(ev.Source),
		DetailType:   aws.String(ev.DetailType),
		Detail:       aws.String(string(ev.Detail)),
	}
	if len(ev.Resources) > 0 {
		entry.Resources = ev.Resources
	}
	return entry, nil
}

// originalAttributes rebuilds the original message attributes from original_attributes and their data types.
func originalAttributes(a map[string]string) (map[string]sqstypes.MessageAttributeValue, error) {
	raw := a[router.AttrOriginalAttributes]
	if raw == "" {
		return nil, nil
	}
	var values, types map[string]string
	if err := json.Unmarshal([]byte(raw), &values); err != nil {
		return nil, fmt.Errorf("original_attributes is not a JSON object of strings: %w", err)
	}
	if t := a[router.AttrOriginalAttributeType]; t != "" {
		if err := json.Unmarshal([]byte(t), &types); err != nil {
			return nil, fmt.Errorf("original_attribute_types is not a JSON object of strings: %w", err)
		}
	}
	out := make(map[string]sqstypes.MessageAttributeValue, len(values))
	for k, v := range values {
		dt := types[k]
		if dt == "" {
			dt = "String"
		}
		out[k] = sqstypes.MessageAttributeValue{DataType: aws.String(dt), StringValue: aws.String(v)}
	}
	return out, nil
}

func (r *Replayer) deleteHeld(ctx context.Context, m sqstypes.Message) error {
	if _, err := r.q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.cfg.HeldQueueURL),
		ReceiptHandle: m.ReceiptHandle}); err != nil {
		return fmt.Errorf("deleting a replayed message from the held queue: %w (run resume again: it will be "+
			"deleted, not sent twice)", err)
	}
	return nil
}

// release makes messages visible again, best effort: one that stays hidden comes back after Visibility anyway.
func (r *Replayer) release(ctx context.Context, handles []string) {
	for _, h := range handles {
		_, _ = r.q.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
			QueueUrl: aws.String(r.cfg.HeldQueueURL), ReceiptHandle: aws.String(h), VisibilityTimeout: 0})
	}
}

func stringAttrs(in map[string]sqstypes.MessageAttributeValue) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = aws.ToString(v.StringValue)
	}
	return out
}
