// Package router routes SQS batches and direct EventBridge events to a tenant-isolated backend function.
//
// For each message it finds and validates the tenant (internal/tenant), then invokes the backend with that TenantId
// and an isolation.Envelope. Messages that can never succeed are quarantined with a reason and acknowledged; messages
// that may succeed later are reported as batch item failures so that SQS retries them and, in the end, moves them to
// the DLQ. Nothing is dropped: when even the quarantine send fails, the message is reported failed.
package router

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

// Invoker is the part of the Lambda client the router uses.
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Sender is the part of the SQS client the router uses, to quarantine messages.
type Sender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Payload limits of Invoke, which the envelope (not only the body) must fit.
const (
	MaxSyncPayload  = 6 << 20 // RequestResponse
	MaxAsyncPayload = 1 << 20 // Event
)

// DefaultDeadlineMargin is how long before the function's deadline the router stops starting work, so that it can
// still return its partial batch response instead of timing out (which would fail, and redeliver, the whole batch).
const DefaultDeadlineMargin = 2 * time.Second

// Router routes messages. Build it once per process with New; it is safe for concurrent use.
type Router struct {
	inv            Invoker
	snd            Sender
	log            *slog.Logger
	function       string
	quarantineURL  string
	fifoQuarantine bool
	mode           config.Mode
	maxPayload     int
	maxParallel    int
	deadlineMargin time.Duration
	byQueue        map[string]*source
	direct         *source // the source for EventBridge events that invoke the router directly

	// The tenant registry, when ROUTER_REGISTRY_TABLE is set; known holds known_tenants, which then only admits
	// tenants the registry has no item for.
	registry      Resolver
	registryTable string
	heldURL       string
	known         map[string]struct{}
}

type source struct {
	name string
	kind config.Kind
	ext  *tenant.Extractor
}

// Option tunes a Router.
type Option func(*Router)

// WithDeadlineMargin sets how long before the invocation deadline the router stops starting work.
func WithDeadlineMargin(d time.Duration) Option { return func(r *Router) { r.deadlineMargin = d } }

// New builds a Router from a validated configuration. A nil logger means slog.Default().
func New(cfg config.Config, inv Invoker, snd Sender, logger *slog.Logger, opts ...Option) (*Router, error) {
	if inv == nil || snd == nil {
		return nil, errors.New("router: an Invoker and a Sender are required")
	}
	if logger == nil {
		logger = slog.Default()
	}
	checker, err := cfg.Checker()
	if cfg.Registry.Table != "" {
		// The registry decides; known_tenants is consulted after it, for tenants it has no item for.
		checker, err = tenant.NewChecker(cfg.TenantPattern, nil, cfg.TenantIDCase)
	}
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	r := &Router{
		inv:            inv,
		snd:            snd,
		log:            logger,
		function:       cfg.BackendFunction,
		quarantineURL:  cfg.QuarantineQueueURL,
		fifoQuarantine: strings.HasSuffix(cfg.QuarantineQueueURL, ".fifo"),
		mode:           cfg.Mode,
		maxParallel:    max(cfg.MaxParallel, 1),
		deadlineMargin: DefaultDeadlineMargin,
		byQueue:        map[string]*source{},
		registryTable:  cfg.Registry.Table,
		heldURL:        cfg.Registry.HeldQueueURL,
	}
	if cfg.Registry.Table != "" && len(cfg.KnownTenants) > 0 {
		r.known = make(map[string]struct{}, len(cfg.KnownTenants))
		for _, k := range cfg.KnownTenants {
			r.known[k] = struct{}{}
		}
	}
	r.maxPayload = MaxAsyncPayload
	if r.mode == config.ModeSync {
		r.maxPayload = MaxSyncPayload
	}
	var eventbridge []*source
	for _, s := range cfg.Sources {
		ext, err := tenant.NewExtractor(s.Rules, checker, tenant.Options{})
		if err != nil {
			return nil, fmt.Errorf("router: source %q: %w", s.Name, err)
		}
		src := &source{name: s.Name, kind: s.Kind, ext: ext}
		if s.QueueARN != "" {
			r.byQueue[s.QueueARN] = src
		}
		if s.Kind == config.KindEventBridge {
			eventbridge = append(eventbridge, src)
			if s.QueueARN == "" {
				r.direct = src
			}
		}
	}
	// With a single EventBridge source, direct events belong to it even if it also has a buffer queue.
	if r.direct == nil && len(eventbridge) == 1 {
		r.direct = eventbridge[0]
	}
	for _, o := range opts {
		o(r)
	}
	if (r.registryTable == "") != (r.registry == nil) {
		return nil, errors.New("router: a registry table needs a registry client (WithRegistry), and a registry " +
			"client needs ROUTER_REGISTRY_TABLE")
	}
	return r, nil
}

// Handle is the Lambda handler. It accepts an SQS batch (an object with "Records") and returns an
// events.SQSEventResponse, or a direct EventBridge event (an object with "detail-type") and returns nil.
func (r *Router) Handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Records    []events.SQSMessage `json:"Records"`
		DetailType *string             `json:"detail-type"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		r.log.LogAttrs(ctx, slog.LevelError, "event is not a JSON object", requestAttr(ctx),
			slog.String("error", err.Error()))
		return nil, fmt.Errorf("router: decoding the event: %w", err)
	}
	switch {
	case probe.Records != nil:
		return r.handleRecords(ctx, probe.Records), nil
	case probe.DetailType != nil:
		return nil, r.HandleEvent(ctx, raw)
	default:
		r.log.LogAttrs(ctx, slog.LevelError, "unsupported event shape", requestAttr(ctx))
		return nil, errors.New(`router: unsupported event: want an SQS batch ("Records") or an EventBridge event ("detail-type")`)
	}
}

// outcome is what became of one message.
type outcome uint8

const (
	outcomeFailed      outcome = iota // left for a retry: reported as a batch item failure
	outcomeRouted                     // the backend accepted it
	outcomeQuarantined                // sent to the quarantine queue, then acknowledged
	outcomeSkipped                    // not tried because an earlier message of its FIFO group failed
	outcomeHeld                       // its tenant is suspended: sent to the held queue, then acknowledged
	outcomes_                         // the number of outcomes
)

// item is one message, whatever its transport.
type item struct {
	src       *source
	messageID string
	groupID   string
	body      string
	attrs     map[string]events.SQSMessageAttribute
}

// HandleSQS routes a batch. Independent records run in parallel, at most ROUTER_MAX_PARALLEL at a time. Records of one
// FIFO message group run in order, and once one fails, it and every later record of the group are reported failed
// without being invoked. The error is always nil: every problem is reported per record.
func (r *Router) HandleSQS(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return r.handleRecords(ctx, ev.Records), nil
}

func (r *Router) handleRecords(ctx context.Context, records []events.SQSMessage) events.SQSEventResponse {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	if len(records) == 0 {
		return resp
	}
	ctx, cancel := r.workContext(ctx)
	defer cancel()

	jobs := make([]job, len(records))
	for i := range records {
		jobs[i] = r.prepare(ctx, &records[i])
	}
	lk := r.lookup(ctx, jobs)

	outcomes := make([]outcome, len(records)) // each index is written by exactly one goroutine
	units := partition(records)
	work := make(chan []int)
	done := make(chan struct{})
	workers := min(r.maxParallel, len(units))
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for unit := range work {
				r.runUnit(ctx, records, jobs, lk, unit, outcomes)
			}
		}()
	}
	for _, u := range units {
		work <- u
	}
	close(work)
	for range workers {
		<-done
	}

	var counts [outcomes_]int
	for i, o := range outcomes {
		counts[o]++
		if o == outcomeFailed || o == outcomeSkipped {
			resp.BatchItemFailures = append(resp.BatchItemFailures,
				events.SQSBatchItemFailure{ItemIdentifier: records[i].MessageId})
		}
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, "batch routed", requestAttr(ctx),
		slog.Int("records", len(records)),
		slog.Int("routed", counts[outcomeRouted]),
		slog.Int("quarantined", counts[outcomeQuarantined]),
		slog.Int("held", counts[outcomeHeld]),
		slog.Int("failed", counts[outcomeFailed]),
		slog.Int("skipped", counts[outcomeSkipped]))
	return resp
}

// partition splits a batch into units of work: one per record, except that the records of a FIFO message group form
// one unit, in batch order. Fair queues also carry MessageGroupId, but only FIFO queues promise order, so only their
// groups are serialised.
func partition(records []events.SQSMessage) [][]int {
	var units [][]int
	groups := map[string]int{} // group key -> index in units
	for i, rec := range records {
		gid := rec.Attributes["MessageGroupId"]
		if gid == "" || !strings.HasSuffix(rec.EventSourceARN, ".fifo") {
			units = append(units, []int{i})
			continue
		}
		key := rec.EventSourceARN + "\x00" + gid
		if u, ok := groups[key]; ok {
			units[u] = append(units[u], i)
			continue
		}
		groups[key] = len(units)
		units = append(units, []int{i})
	}
	return units
}

func (r *Router) runUnit(ctx context.Context, records []events.SQSMessage, jobs []job, lookups lookups, unit []int,
	outcomes []outcome) {
	for n, idx := range unit {
		o := r.finish(ctx, &jobs[idx], lookups)
		outcomes[idx] = o
		if o != outcomeFailed {
			continue
		}
		rest := unit[n+1:]
		for _, later := range rest {
			outcomes[later] = outcomeSkipped
		}
		if len(rest) > 0 {
			// The group ID may be a tenant ID that failed validation, so only its digest is logged.
			r.log.LogAttrs(ctx, slog.LevelWarn, "later messages of the group left for retry", requestAttr(ctx),
				slog.String("messageId", records[idx].MessageId),
				slog.String("messageGroupIdSha256", digest(records[idx].Attributes["MessageGroupId"])),
				slog.Int("skipped", len(rest)),
				slog.String("reason", "earlier_failure_in_group"))
		}
		return
	}
}

// job is one message between its two phases: prepare reads and checks its tenant without I/O, for the whole batch,
// so that the registry is asked once per batch; finish then acts on it.
type job struct {
	it       item
	tenantID string            // validated, when rej and err are nil
	rej      *tenant.Rejection // a permanent problem: quarantine
	err      error             // a failure: retry
	reason   string            // of err, for the log
}

// prepare reads a record's source and tenant. It does no I/O.
func (r *Router) prepare(ctx context.Context, rec *events.SQSMessage) (j job) {
	defer func() {
		if p := recover(); p != nil {
			j.err, j.reason = fmt.Errorf("panic: %v", p), "panic"
		}
	}()
	src, ok := r.byQueue[rec.EventSourceARN]
	if !ok {
		r.log.LogAttrs(ctx, slog.LevelError, "message failed", requestAttr(ctx),
			slog.String("messageId", rec.MessageId), slog.String("reason", "unknown_source"),
			slog.String("eventSourceARN", rec.EventSourceARN),
			slog.String("fix", "add a source with this queue_arn to ROUTER_SOURCES"))
		return job{err: errors.New("unknown source"), reason: "unknown_source"}
	}
	j.it = item{
		src:       src,
		messageID: rec.MessageId,
		groupID:   rec.Attributes["MessageGroupId"],
		body:      rec.Body,
		attrs:     rec.MessageAttributes,
	}
	// An EventBridge source knows a message by its event id, the same whether the event came through the buffer
	// queue or directly. A bad id is quarantined under the SQS MessageId, which SQS vouches for.
	if src.kind == config.KindEventBridge {
		id, rej := eventID(rec.Body)
		if rej != nil {
			j.rej = rej
			return j
		}
		if id != "" {
			j.it.messageID = id
		}
	}
	r.extract(&j)
	return j
}

// extract reads and checks the job's tenant.
func (r *Router) extract(j *job) {
	id, err := j.it.src.ext.Extract(tenant.Input{Attributes: j.it.attrs, GroupID: j.it.groupID, Body: j.it.body})
	if err == nil {
		j.tenantID = id
		return
	}
	if rej, ok := tenant.AsRejection(err); ok {
		j.rej = rej
		return
	}
	j.err, j.reason = err, "extract_error"
}

// finish takes a prepared job to its end: routed, held, quarantined, or failed.
func (r *Router) finish(ctx context.Context, j *job, lk lookups) (o outcome) {
	defer func() {
		if p := recover(); p != nil {
			r.log.LogAttrs(ctx, slog.LevelError, "message failed", requestAttr(ctx),
				slog.String("messageId", j.it.messageID), slog.String("reason", "panic"),
				slog.String("error", fmt.Sprint(p)))
			o = outcomeFailed
		}
	}()
	o, _ = r.settle(ctx, j, lk)
	return o
}

// settle is finish with the error that says why a message failed.
func (r *Router) settle(ctx context.Context, j *job, lk lookups) (outcome, error) {
	switch {
	case j.it.src == nil:
		return outcomeFailed, j.err // logged by prepare
	case j.rej != nil:
		return r.reject(ctx, j.it, j.rej)
	case j.err != nil:
		return r.fail(ctx, j.it, "", j.reason, slog.LevelError, j.err)
	}
	return r.deliver(ctx, j.it, j.tenantID, lk)
}

// routeRecord is one record on its own: prepare, look up, finish.
func (r *Router) routeRecord(ctx context.Context, rec *events.SQSMessage) outcome {
	jobs := []job{r.prepare(ctx, rec)}
	return r.finish(ctx, &jobs[0], r.lookup(ctx, jobs))
}

// eventIDPointer finds an EventBridge event's id with the same allocation-free scanner as the tenant rules.
var eventIDPointer = tenant.MustParsePointer("/id")

// HandleEvent routes one EventBridge event that invoked the router directly. A rejected event is quarantined and
// nil is returned; a failure that may pass later is returned as an error, so that Lambda's asynchronous retries (and
// then the on-failure destination or DLQ) take over.
func (r *Router) HandleEvent(ctx context.Context, raw []byte) error {
	if r.direct == nil {
		r.log.LogAttrs(ctx, slog.LevelError, "event failed", requestAttr(ctx), slog.String("reason", "unknown_source"),
			slog.String("fix", `add a source of kind "eventbridge" with an empty queue_arn to ROUTER_SOURCES`))
		return errors.New("router: no eventbridge source configured for direct events")
	}
	ctx, cancel := r.workContext(ctx)
	defer cancel()

	jobs := []job{{it: item{src: r.direct, body: string(raw)}}}
	j := &jobs[0]
	id, rej := eventID(j.it.body)
	if rej != nil {
		j.rej = rej
	} else {
		j.it.messageID = id
		r.extract(j)
	}
	_, err := r.settle(ctx, j, r.lookup(ctx, jobs))
	return err
}

// MaxEventIDLength bounds an EventBridge event's id. EventBridge issues 36-character UUIDs; anyone who may send to a
// buffer queue can write any id, and the id becomes a quarantine attribute, a log field and part of the envelope.
const MaxEventIDLength = 128

// eventID checks that an event is a JSON object whose id, if present, is a string of at most MaxEventIDLength bytes
// that SQS accepts in an attribute value, and returns the id. The
// pointer scanner validates the whole document in one pass without allocating; decoding the event into a struct would
// cost as much as the rest of the routing. The other envelope fields reach the backend untouched, as they do from a
// buffer queue.
func eventID(doc string) (string, *tenant.Rejection) {
	l, rej := eventIDPointer.Resolve(doc)
	if rej != nil {
		return "", tenant.Reject(tenant.ReasonMalformed, "not an EventBridge event: %s", rej.Detail)
	}
	if t := strings.TrimLeft(doc, " \t\r\n"); t == "" || t[0] != '{' {
		return "", tenant.Reject(tenant.ReasonMalformed, "not an EventBridge event: not a JSON object")
	}
	if !l.Found {
		return "", nil
	}
	if l.Kind != tenant.KindString {
		return "", tenant.Reject(tenant.ReasonMalformed, "not an EventBridge event: id is %s; want a string", l.Kind)
	}
	id := l.Str()
	if len(id) > MaxEventIDLength {
		return "", tenant.Reject(tenant.ReasonMalformed, "event id is %d bytes; at most %d are allowed",
			len(id), MaxEventIDLength)
	}
	if i, c, ok := sqsText(id); !ok {
		return "", tenant.Reject(tenant.ReasonMalformed, "event id has character %U at offset %d, which SQS does "+
			"not allow in a message attribute", c, i)
	}
	return id, nil
}

// deliver invokes the backend for a message whose tenant is valid, once the registry (when there is one) allows it.
func (r *Router) deliver(ctx context.Context, it item, tenantID string, lk lookups) (outcome, error) {
	if r.registry != nil {
		res := lk[tenantID]
		switch {
		case res.Err != nil:
			// An outage is never a verdict on the tenant: the message is retried.
			return r.fail(ctx, it, tenantID, "registry_error", slog.LevelWarn, res.Err)
		case res.Status == registry.Suspended:
			return r.hold(ctx, it, tenantID)
		case res.Status == registry.Offboarded:
			return r.reject(ctx, it, tenant.Reject(tenant.ReasonOffboarded,
				"tenant ID %q is OFFBOARDED in the tenant registry", tenantID))
		case res.Status == registry.Unknown && !r.isKnown(tenantID):
			return r.reject(ctx, it, tenant.Reject(tenant.ReasonUnknown,
				"tenant ID %q is not in the tenant registry%s", tenantID, r.knownHint()))
		}
	}

	payload, err := r.envelope(tenantID, it)
	if err != nil {
		return r.fail(ctx, it, tenantID, "envelope_error", slog.LevelError, err)
	}
	if len(payload) > r.maxPayload {
		return r.reject(ctx, it, tenant.Reject(tenant.ReasonTooLarge,
			"payload with envelope is %d bytes; %s invocations allow at most %d", len(payload), r.mode, r.maxPayload))
	}

	if err := ctx.Err(); err != nil {
		return r.fail(ctx, it, tenantID, "deadline", slog.LevelWarn, err)
	}
	if err := r.invoke(ctx, tenantID, payload); err != nil {
		var ie *invokeError
		if errors.As(err, &ie) && ie.rejection != nil {
			return r.reject(ctx, it, ie.rejection)
		}
		reason, level := "invoke_error", slog.LevelWarn
		if ie != nil {
			reason, level = ie.reason, ie.level
		}
		return r.fail(ctx, it, tenantID, reason, level, err)
	}
	r.log.LogAttrs(ctx, slog.LevelDebug, "message routed", requestAttr(ctx),
		slog.String("tenantId", tenantID), slog.String("messageId", it.messageID), slog.String("source", it.src.name))
	return outcomeRouted, nil
}

func (r *Router) envelope(tenantID string, it item) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(it.body) + len(tenantID) + len(it.src.name) + len(it.messageID) + 64)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep the size honest: no \u003c for every '<' in the body
	if err := enc.Encode(isolation.Envelope{
		TenantID: tenantID, Source: it.src.name, MessageID: it.messageID, Body: it.body,
	}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func (r *Router) fail(ctx context.Context, it item, tenantID, reason string, level slog.Level, err error) (outcome, error) {
	attrs := []slog.Attr{
		requestAttr(ctx),
		slog.String("messageId", it.messageID),
		slog.String("source", it.src.name),
		slog.String("reason", reason),
		slog.String("error", err.Error()),
	}
	if tenantID != "" {
		attrs = append(attrs, slog.String("tenantId", tenantID))
	}
	r.log.LogAttrs(ctx, level, "message failed", attrs...)
	return outcomeFailed, fmt.Errorf("router: message %s: %s: %w", it.messageID, reason, err)
}

// workContext ends a little before the invocation's deadline, so that a slow backend cannot make the router time out
// with nothing reported.
func (r *Router) workContext(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok || r.deadlineMargin <= 0 {
		return context.WithCancel(ctx)
	}
	margin := min(r.deadlineMargin, time.Until(dl)/4)
	return context.WithDeadline(ctx, dl.Add(-margin))
}

// digest names an untrusted value in a log line without logging it: the first 16 hex digits of its SHA-256, which an
// operator can compute for a suspect value to find its lines.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func requestAttr(ctx context.Context) slog.Attr {
	return slog.String(isolation.KeyRequestID, isolation.RequestID(ctx))
}
