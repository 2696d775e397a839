package sqs

import (
	"regexp"
	"strconv"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

const (
	dedupWindow        = 5 * time.Minute
	deleteRecreateWait = 60 * time.Second
	purgeInterval      = 60 * time.Second
	maxVisibilityTotal = maxVisibilityTimeout * time.Second
)

var (
	standardQueueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	fifoQueueName     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,75}\.fifo$`)
)

// queue is one SQS queue and its messages. The Service mutex guards it.
type queue struct {
	name, url, arn string
	fifo           bool
	created        time.Time
	modified       time.Time
	// attrs holds the settable attributes that have a value, canonicalised.
	attrs map[string]string
	tags  shape.TagSet

	// Parsed copies of the attributes the data plane reads on every call.
	delay, maxSize, visibility, wait int
	retention                        time.Duration
	contentDedup, dedupPerGroup      bool
	redrive                          *redrivePolicy

	// msgs is in send order; deleted messages are dropped lazily.
	msgs     []*message
	byID     map[string]*message
	dead     int
	seq      uint64
	dedup    map[string]dedupRecord
	attempts map[string]attemptRecord
	purged   time.Time
	// ready is closed and replaced whenever a waiting receiver may find a message.
	ready chan struct{}
}

type dedupRecord struct {
	messageID, sequenceNumber string
	expires                   time.Time
}

// attemptRecord remembers a FIFO receive so that a retry with the same
// ReceiveRequestAttemptId gets the same messages and receipt handles.
type attemptRecord struct {
	messages []*message
	handles  []string
	expires  time.Time
}

func newQueue(name, url, arn string, fifo bool, now time.Time) *queue {
	q := &queue{name: name, url: url, arn: arn, fifo: fifo, created: now, modified: now,
		byID: map[string]*message{}, dedup: map[string]dedupRecord{},
		attempts: map[string]attemptRecord{}, ready: make(chan struct{}),
		attrs: map[string]string{
			attrDelaySeconds:       "0",
			attrMaximumMessageSize: strconv.Itoa(defaultMaximumMessage),
			attrRetentionPeriod:    strconv.Itoa(defaultRetentionPeriod),
			attrReceiveWaitTime:    "0",
			attrVisibilityTimeout:  strconv.Itoa(defaultVisibilityTimeout),
			attrSqsManagedSse:      "true",
		}}
	if fifo {
		q.attrs[attrFifoQueue] = "true"
		q.attrs[attrContentBasedDedup] = "false"
		q.attrs[attrDeduplicationScope] = "queue"
		q.attrs[attrFifoThroughputLimit] = "perQueue"
	}
	q.refresh()
	return q
}

// validQueueName applies AWS's naming rule for the queue type.
func validQueueName(name string, fifo bool) bool {
	if fifo {
		return fifoQueueName.MatchString(name)
	}
	return standardQueueName.MatchString(name)
}

// apply stores canonical attributes; "" removes one.
func (q *queue) apply(attrs map[string]string, now time.Time) {
	for k, v := range attrs {
		if v == "" {
			delete(q.attrs, k)
		} else {
			q.attrs[k] = v
		}
	}
	// SSE-SQS and SSE-KMS exclude each other; turning one on turns the other off.
	if attrs[attrKmsMasterKeyID] != "" {
		if _, set := attrs[attrSqsManagedSse]; !set {
			q.attrs[attrSqsManagedSse] = "false"
		}
		if _, set := q.attrs[attrKmsDataKeyReuse]; !set {
			q.attrs[attrKmsDataKeyReuse] = strconv.Itoa(defaultKmsDataKeyReuse)
		}
	}
	if attrs[attrSqsManagedSse] == "true" {
		delete(q.attrs, attrKmsMasterKeyID)
	}
	q.modified = now
	q.refresh()
}

func (q *queue) refresh() {
	num := func(name string) int { n, _ := strconv.Atoi(q.attrs[name]); return n }
	q.delay = num(attrDelaySeconds)
	q.maxSize = num(attrMaximumMessageSize)
	q.visibility = num(attrVisibilityTimeout)
	q.wait = num(attrReceiveWaitTime)
	q.retention = time.Duration(num(attrRetentionPeriod)) * time.Second
	q.contentDedup = q.attrs[attrContentBasedDedup] == "true"
	q.dedupPerGroup = q.attrs[attrDeduplicationScope] == "messageGroup"
	q.redrive = nil
	if v := q.attrs[attrRedrivePolicy]; v != "" {
		q.redrive, _ = parseRedrivePolicy(v) // validated when set
	}
}

// attributes returns the named attributes ("All" for every one) as GetQueueAttributes does.
func (q *queue) attributes(names []string, now time.Time) (map[string]string, error) {
	want := map[string]bool{}
	all := false
	for _, n := range names {
		switch {
		case n == attrAll:
			all = true
		case settableAttrs[n].check != nil || computedAttrs[n]:
			want[n] = true
		default:
			return nil, errInvalidAttributeName(n)
		}
	}
	out := map[string]string{}
	for k, v := range q.attrs {
		if all || want[k] {
			out[k] = v
		}
	}
	if all || want[attrApproxMessages] || want[attrApproxNotVisible] || want[attrApproxDelayed] {
		visible, inflight, delayed := q.counts(now)
		computed := map[string]int{attrApproxMessages: visible, attrApproxNotVisible: inflight, attrApproxDelayed: delayed}
		for k, n := range computed {
			if all || want[k] {
				out[k] = strconv.Itoa(n)
			}
		}
	}
	computed := map[string]string{
		attrQueueArn:         q.arn,
		attrCreatedTimestamp: strconv.FormatInt(q.created.Unix(), 10),
		attrLastModifiedTime: strconv.FormatInt(q.modified.Unix(), 10),
	}
	for k, v := range computed {
		if all || want[k] {
			out[k] = v
		}
	}
	return out, nil
}

// counts returns the approximate numbers of visible, in-flight and delayed messages.
func (q *queue) counts(now time.Time) (visible, inflight, delayed int) {
	for _, m := range q.live(now) {
		switch {
		case !m.visibleAt.After(now):
			visible++
		case m.receiveCount > 0:
			inflight++
		default:
			delayed++
		}
	}
	return visible, inflight, delayed
}

// live returns the messages that are neither deleted nor past retention, dropping the others.
func (q *queue) live(now time.Time) []*message {
	out := make([]*message, 0, len(q.msgs)-q.dead)
	for _, m := range q.msgs {
		if m.deleted {
			continue
		}
		if q.expired(m, now) {
			q.remove(m)
			continue
		}
		out = append(out, m)
	}
	q.compact()
	return out
}

func (q *queue) expired(m *message, now time.Time) bool {
	return !now.Before(m.enqueuedAt.Add(q.retention))
}

// add enqueues m and wakes waiting receivers: they take it, or recompute when to
// look again if it is delayed.
func (q *queue) add(m *message) {
	if q.fifo {
		q.seq++
		m.sequenceNumber = sequenceNumber(q.seq)
	}
	q.msgs = append(q.msgs, m)
	q.byID[m.id] = m
	q.signal()
}

// sequenceNumber formats a FIFO sequence number: 20 digits that only grow, as AWS's do.
func sequenceNumber(n uint64) string {
	return strconv.FormatUint(18_000_000_000_000_000_000+n, 10)
}

// remove deletes m. The slice is compacted later by compact, so that callers may
// remove while they iterate.
func (q *queue) remove(m *message) {
	if m.deleted {
		return
	}
	m.deleted = true
	delete(q.byID, m.id)
	q.dead++
}

// compact drops deleted messages once they are most of the slice.
func (q *queue) compact() {
	if q.dead <= 32 || q.dead*2 <= len(q.msgs) {
		return
	}
	kept := q.msgs[:0]
	for _, m := range q.msgs {
		if !m.deleted {
			kept = append(kept, m)
		}
	}
	clear(q.msgs[len(kept):])
	q.msgs, q.dead = kept, 0
}

// purge drops every message, in flight or not.
func (q *queue) purge() {
	for _, m := range q.msgs {
		m.deleted = true
	}
	q.msgs, q.byID, q.dead = nil, map[string]*message{}, 0
	q.attempts = map[string]attemptRecord{}
}

func (q *queue) signal() {
	close(q.ready)
	q.ready = make(chan struct{})
}

// nextVisible is when the earliest hidden message becomes visible, or zero.
func (q *queue) nextVisible(now time.Time) time.Time {
	var next time.Time
	for _, m := range q.msgs {
		if !m.deleted && m.visibleAt.After(now) && (next.IsZero() || m.visibleAt.Before(next)) {
			next = m.visibleAt
		}
	}
	return next
}
