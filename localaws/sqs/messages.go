package sqs

import (
	"context"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// prepared is a send entry checked for everything that does not depend on the queue,
// done before taking the lock because digests of large bodies take time.
type prepared struct {
	entry     *sendEntry
	md5Body   string
	md5Attrs  string
	md5System string
	size      int
}

func prepare(e *sendEntry) (*prepared, error) {
	if e.MessageBody == nil || *e.MessageBody == "" {
		return nil, errMissingParameter("MessageBody")
	}
	if !validText(*e.MessageBody) {
		return nil, errInvalidMessageContents("Invalid binary character in the message body. " +
			"Only #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF are allowed.")
	}
	attrSize, err := checkMessageAttributes(e.MessageAttributes)
	if err != nil {
		return nil, err
	}
	if err := checkSystemAttributes(e.MessageSystemAttributes); err != nil {
		return nil, err
	}
	return &prepared{entry: e, md5Body: md5Hex(*e.MessageBody), md5Attrs: md5OfAttributes(e.MessageAttributes),
		md5System: md5OfAttributes(e.MessageSystemAttributes), size: len(*e.MessageBody) + attrSize}, nil
}

// admit applies the queue's rules to a prepared entry and builds the message. The caller holds s.mu.
func (s *Service) admit(q *queue, p *prepared, now time.Time) (*message, error) {
	e := p.entry
	if p.size > q.maxSize {
		return nil, errInvalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter "+
			"than %d bytes.", q.maxSize)
	}
	delay := q.delay
	if e.DelaySeconds != nil {
		if q.fifo {
			return nil, errParamInvalid("DelaySeconds", *e.DelaySeconds, "The request include parameter that is "+
				"not valid for this queue type.")
		}
		if *e.DelaySeconds < 0 || *e.DelaySeconds > maxDelaySeconds {
			return nil, errParamInvalid("DelaySeconds", *e.DelaySeconds, "DelaySeconds must be >= 0 and <= 900.")
		}
		delay = *e.DelaySeconds
	}
	m := &message{id: core.NewUUID(), body: *e.MessageBody, md5Body: p.md5Body, attrs: e.MessageAttributes,
		sysAttrs: e.MessageSystemAttributes, md5Attrs: p.md5Attrs, md5System: p.md5System, size: p.size,
		senderID: s.env.Account, sentAt: now, enqueuedAt: now, visibleAt: now.Add(time.Duration(delay) * time.Second)}
	if e.MessageGroupId != nil {
		if !tokenPattern.MatchString(*e.MessageGroupId) {
			return nil, errParamInvalid("MessageGroupId", *e.MessageGroupId, "MessageGroupId can only include "+
				"alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		m.groupID = *e.MessageGroupId // standard queues accept it too (fair queues)
	}
	switch {
	case !q.fifo && e.MessageDeduplicationId != nil:
		return nil, errParamInvalid("MessageDeduplicationId", *e.MessageDeduplicationId,
			"The request include parameter that is not valid for this queue type.")
	case !q.fifo:
	case m.groupID == "":
		return nil, errMissingParameter("MessageGroupId")
	case e.MessageDeduplicationId != nil:
		if !tokenPattern.MatchString(*e.MessageDeduplicationId) {
			return nil, errParamInvalid("MessageDeduplicationId", *e.MessageDeduplicationId,
				"MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		m.dedupID = *e.MessageDeduplicationId
	case q.contentDedup:
		m.dedupID = contentDedupID(m.body)
	default:
		return nil, errInvalidParameterValue("The queue should either have ContentBasedDeduplication enabled or " +
			"MessageDeduplicationId provided explicitly")
	}
	return m, nil
}

// enqueue adds m unless a FIFO queue saw its deduplication ID in the last five
// minutes; a duplicate is accepted but not delivered, and gets the first message's ID.
func (q *queue) enqueue(m *message, now time.Time) sendMessageOutput {
	out := sendMessageOutput{MD5OfMessageBody: m.md5Body, MD5OfMessageAttributes: m.md5Attrs,
		MD5OfMessageSystemAttributes: m.md5System}
	if !q.fifo {
		q.add(m)
		out.MessageId = m.id
		return out
	}
	key := m.dedupID
	if q.dedupPerGroup {
		key = m.groupID + "\x00" + key
	}
	if rec, ok := q.dedup[key]; ok && now.Before(rec.expires) {
		out.MessageId, out.SequenceNumber = rec.messageID, rec.sequenceNumber
		return out
	}
	q.add(m)
	q.dedup[key] = dedupRecord{messageID: m.id, sequenceNumber: m.sequenceNumber, expires: now.Add(dedupWindow)}
	if q.seq%1024 == 0 {
		for k, rec := range q.dedup {
			if !now.Before(rec.expires) {
				delete(q.dedup, k)
			}
		}
	}
	out.MessageId, out.SequenceNumber = m.id, m.sequenceNumber
	return out
}

// SendMessage enqueues one message.
func (s *Service) SendMessage(_ context.Context, in *sendMessageInput) (*sendMessageOutput, error) {
	p, prepErr := prepare(&in.sendEntry)
	return inQueue(s, in.QueueUrl, func(q *queue) (*sendMessageOutput, error) {
		if prepErr != nil {
			return nil, prepErr
		}
		now := s.env.Clock.Now()
		m, err := s.admit(q, p, now)
		if err != nil {
			return nil, err
		}
		out := q.enqueue(m, now)
		return &out, nil
	})
}

// SendMessageBatch enqueues up to ten messages, reporting each entry's outcome.
func (s *Service) SendMessageBatch(_ context.Context, in *sendMessageBatchInput) (*sendMessageBatchOutput, error) {
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch(ids); err != nil {
		return nil, err
	}
	preps := make([]*prepared, len(in.Entries))
	errs := make([]error, len(in.Entries))
	total := 0
	for i := range in.Entries {
		e := &in.Entries[i]
		if preps[i], errs[i] = prepare(e); preps[i] != nil {
			total += preps[i].size
		} else if e.MessageBody != nil {
			total += len(*e.MessageBody)
		}
	}
	if total > maxBatchBytes {
		return nil, errBatchRequestTooLong(total)
	}

	return inQueue(s, in.QueueUrl, func(q *queue) (*sendMessageBatchOutput, error) {
		now := s.env.Clock.Now()
		out := &sendMessageBatchOutput{Successful: []sendMessageOutput{}, Failed: []batchResultErrorEntry{}}
		for i, p := range preps {
			var m *message
			if errs[i] == nil {
				m, errs[i] = s.admit(q, p, now)
			}
			if errs[i] != nil {
				out.Failed = append(out.Failed, batchFailure(ids[i], errs[i]))
				continue
			}
			res := q.enqueue(m, now)
			res.Id = ids[i]
			out.Successful = append(out.Successful, res)
		}
		return out, nil
	})
}

// checkBatch applies the batch envelope rules shared by every batch operation.
func checkBatch(ids []string) error {
	if len(ids) == 0 {
		return errEmptyBatchRequest()
	}
	if len(ids) > maxBatchEntries {
		return errTooManyEntriesInBatchRequest(len(ids))
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !batchIDPattern.MatchString(id) {
			return errInvalidBatchEntryId(id)
		}
		if seen[id] {
			return errBatchEntryIdsNotDistinct(id)
		}
		seen[id] = true
	}
	return nil
}

// batchFailure reports an entry's error with its legacy code, as batch results carry.
func batchFailure(id string, err error) batchResultErrorEntry {
	e := protocol.AsError(err)
	code := e.QueryCode
	if code == "" {
		code = e.Code
	}
	return batchResultErrorEntry{Id: id, SenderFault: !e.Receiver && e.Status() < 500, Code: code, Message: e.Message}
}

// optionalInt validates an optional integer parameter, returning def when it is absent.
func optionalInt(name string, v *int, def, lo, hi int, reason string) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, errParamInvalid(name, *v, reason)
	}
	return *v, nil
}

// ReceiveMessage returns up to MaxNumberOfMessages visible messages, long polling for
// up to WaitTimeSeconds (real time) and returning as soon as any arrive.
func (s *Service) ReceiveMessage(ctx context.Context, in *receiveMessageInput) (*receiveMessageOutput, error) {
	max, err := optionalInt("MaxNumberOfMessages", in.MaxNumberOfMessages, 1, 1, maxBatchEntries,
		"Must be between 1 and 10, if provided.")
	if err != nil {
		return nil, err
	}
	if in.ReceiveRequestAttemptId != "" && !tokenPattern.MatchString(in.ReceiveRequestAttemptId) {
		return nil, errParamInvalid("ReceiveRequestAttemptId", in.ReceiveRequestAttemptId,
			"ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	sel := newAttributeSelection(append(in.AttributeNames, in.MessageSystemAttributeNames...), in.MessageAttributeNames)
	var deadline time.Time
	for {
		out, wait, poll, err := s.tryReceive(in, max, sel)
		if err != nil || len(out.Messages) > 0 || wait == 0 {
			return out, err
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(wait)
		}
		if !s.await(ctx, poll, time.Until(deadline)) {
			return out, nil
		}
	}
}

// pollState is what a waiting receiver watches: the queue's ready channel and how
// long until the earliest hidden message becomes visible (zero for none).
type pollState struct {
	ready <-chan struct{}
	next  time.Duration
}

// tryReceive is one receive attempt under the lock.
func (s *Service) tryReceive(in *receiveMessageInput, max int, sel attributeSelection) (
	*receiveMessageOutput, time.Duration, pollState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.lookup(in.QueueUrl)
	if err != nil {
		return nil, 0, pollState{}, err
	}
	wait, err := optionalInt("WaitTimeSeconds", in.WaitTimeSeconds, q.wait, 0, maxWaitTimeSeconds,
		"Must be >= 0 and <= 20, if provided.")
	if err != nil {
		return nil, 0, pollState{}, err
	}
	vis, err := optionalInt("VisibilityTimeout", in.VisibilityTimeout, q.visibility, 0, maxVisibilityTimeout,
		"Must be >= 0 and <= 43200, if provided.")
	if err != nil {
		return nil, 0, pollState{}, err
	}
	now := s.env.Clock.Now()
	msgs := q.retryAttempt(in.ReceiveRequestAttemptId, now)
	if msgs == nil {
		msgs = s.receive(q, max, time.Duration(vis)*time.Second, now)
		q.rememberAttempt(in.ReceiveRequestAttemptId, msgs, now)
	}
	out := &receiveMessageOutput{}
	for _, m := range msgs {
		out.Messages = append(out.Messages, m.output(sel))
	}
	var poll pollState
	if len(msgs) == 0 && wait > 0 {
		poll.ready = q.ready
		if next := q.nextVisible(now); !next.IsZero() {
			poll.next = next.Sub(now)
		}
	}
	return out, time.Duration(wait) * time.Second, poll, nil
}

// await blocks until the queue may have a message for us. It returns false when the
// wait is over: time is up, the client left or the server is closing.
func (s *Service) await(ctx context.Context, poll pollState, remaining time.Duration) bool {
	if remaining <= 0 {
		return false
	}
	timer := time.NewTimer(remaining)
	defer timer.Stop()
	var visible <-chan time.Time
	if poll.next > 0 {
		visible = s.env.Clock.After(poll.next)
	}
	select {
	case <-poll.ready:
		return true
	case <-visible:
		return true
	case <-timer.C:
		return false
	case <-ctx.Done():
		return false
	case <-s.closed:
		return false
	}
}

// receive takes up to max visible messages and hides them for vis. A message
// already received maxReceiveCount times moves to the dead-letter queue instead. The
// caller holds s.mu.
func (s *Service) receive(q *queue, max int, vis time.Duration, now time.Time) []*message {
	var got []*message
	q.eachCandidate(now, func(m *message) bool {
		if q.redrive != nil && m.receiveCount >= q.redrive.maxReceiveCount {
			if dlq := s.byARN(q.redrive.deadLetterTargetArn); dlq != nil && dlq != q {
				moveToDeadLetterQueue(q, dlq, m, now)
				return true
			}
		}
		m.receiveCount++
		if m.receiveCount == 1 {
			m.firstReceivedAt = now
		}
		m.receivedAt = now
		m.visibleAt = now.Add(vis)
		m.receipt = newReceiptHandle(q.name, m.id)
		got = append(got, m)
		return len(got) < max
	})
	q.compact()
	return got
}

// eachCandidate calls take with the messages a receive may take, in the order it
// should take them, until take returns false. A standard queue offers visible
// messages in send order. A FIFO queue offers each message group's messages in
// order, group after group, as AWS returns as many of one group as it can; a group
// with a message in flight offers nothing, and a hidden message holds back the rest
// of its group. Expired messages are dropped on the way.
func (q *queue) eachCandidate(now time.Time, take func(*message) bool) {
	if !q.fifo {
		for _, m := range q.msgs {
			if m.deleted || m.visibleAt.After(now) {
				continue
			}
			if q.expired(m, now) {
				q.remove(m)
				continue
			}
			if !take(m) {
				return
			}
		}
		return
	}
	live := q.live(now)
	blocked := map[string]bool{}
	for _, m := range live {
		if m.receiveCount > 0 && m.visibleAt.After(now) {
			blocked[m.groupID] = true
		}
	}
	var order []string
	byGroup := map[string][]*message{}
	for _, m := range live {
		switch {
		case blocked[m.groupID]:
		case m.visibleAt.After(now):
			blocked[m.groupID] = true
		default:
			if _, seen := byGroup[m.groupID]; !seen {
				order = append(order, m.groupID)
			}
			byGroup[m.groupID] = append(byGroup[m.groupID], m)
		}
	}
	for _, g := range order {
		for _, m := range byGroup[g] {
			if !take(m) {
				return
			}
		}
	}
}

// moveToDeadLetterQueue moves m as AWS redrive does: same ID, body, attributes and
// receive count. A standard DLQ keeps the original enqueue time for retention; a FIFO one resets it.
func moveToDeadLetterQueue(src, dlq *queue, m *message, now time.Time) {
	src.remove(m)
	moved := *m
	moved.deleted = false
	moved.receipt = ""
	moved.visibleAt = now
	moved.sequenceNumber = ""
	moved.dlqSourceArn = src.arn
	if dlq.fifo {
		moved.enqueuedAt = now
	}
	dlq.add(&moved)
}

// retryAttempt returns the messages of an earlier FIFO receive with the same attempt
// ID if they are all still in flight under the same receipt handles.
func (q *queue) retryAttempt(id string, now time.Time) []*message {
	if !q.fifo || id == "" {
		return nil
	}
	rec, ok := q.attempts[id]
	if !ok || !now.Before(rec.expires) || len(rec.messages) == 0 {
		return nil
	}
	for i, m := range rec.messages {
		if m.deleted || m.receipt != rec.handles[i] || !m.visibleAt.After(now) {
			return nil
		}
	}
	return rec.messages
}

func (q *queue) rememberAttempt(id string, msgs []*message, now time.Time) {
	if !q.fifo || id == "" {
		return
	}
	if len(q.attempts) > 1000 {
		for k, rec := range q.attempts {
			if !now.Before(rec.expires) {
				delete(q.attempts, k)
			}
		}
	}
	rec := attemptRecord{messages: msgs, expires: now.Add(dedupWindow)}
	for _, m := range msgs {
		rec.handles = append(rec.handles, m.receipt)
	}
	q.attempts[id] = rec
}

// receiptState classifies a receipt handle against the queue.
type receiptState int

const (
	receiptCurrent receiptState = iota // the latest receive of a live message
	receiptStale                       // the message was received again since, or is gone
)

// resolveReceipt finds the message of a receipt handle. Handles that localaws never
// issued for this queue are invalid. The caller holds s.mu.
func (q *queue) resolveReceipt(handle string) (*message, receiptState, error) {
	name, id, ok := parseReceiptHandle(handle)
	if !ok || name != q.name {
		return nil, 0, errReceiptHandleIsInvalid(handle)
	}
	m := q.byID[id]
	if m == nil || m.receipt != handle {
		return m, receiptStale, nil
	}
	return m, receiptCurrent, nil
}

// deleteByReceipt deletes the message of a current receipt handle. A stale handle
// succeeds without deleting on a standard queue (AWS documents this) and has
// expired on a FIFO queue.
func (q *queue) deleteByReceipt(handle string, now time.Time) error {
	m, state, err := q.resolveReceipt(handle)
	if err != nil {
		return err
	}
	if q.fifo && m != nil && (state == receiptStale || !m.visibleAt.After(now)) {
		return errParamInvalid("ReceiptHandle", handle, "The receipt handle has expired.")
	}
	if state == receiptStale {
		return nil
	}
	q.remove(m)
	if q.fifo {
		q.signal() // the message group may be unblocked
	}
	return nil
}

// changeVisibility hides an in-flight message for vis from now, within the 12-hour
// limit counted from its receive.
func (q *queue) changeVisibility(handle string, vis *int, now time.Time) error {
	m, state, err := q.resolveReceipt(handle)
	if err != nil {
		return err
	}
	if vis == nil {
		return errMissingParameter("VisibilityTimeout")
	}
	if *vis < 0 || *vis > maxVisibilityTimeout {
		return errParamInvalid("VisibilityTimeout", *vis, "VisibilityTimeout must be an integer between 0 and 43200")
	}
	if state == receiptStale {
		return errParamInvalid("ReceiptHandle", handle,
			"Message does not exist or is not available for visibility timeout change.")
	}
	if !m.visibleAt.After(now) {
		return errMessageNotInflight()
	}
	until := now.Add(time.Duration(*vis) * time.Second)
	if until.Sub(m.receivedAt) > maxVisibilityTotal {
		return errParamInvalid("VisibilityTimeout", *vis,
			"Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
	}
	m.visibleAt = until
	q.signal() // waiting receivers recompute when to look again
	return nil
}

// DeleteMessage deletes the message of a receipt handle.
func (s *Service) DeleteMessage(_ context.Context, in *deleteMessageInput) (*struct{}, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*struct{}, error) {
		if in.ReceiptHandle == "" {
			return nil, errMissingParameter("ReceiptHandle")
		}
		err := q.deleteByReceipt(in.ReceiptHandle, s.env.Clock.Now())
		q.compact()
		return nil, err
	})
}

// DeleteMessageBatch deletes up to ten messages, reporting each entry's outcome.
func (s *Service) DeleteMessageBatch(_ context.Context, in *receiptBatchInput) (*receiptBatchOutput, error) {
	return s.receiptBatch(in, func(q *queue, e receiptEntry, now time.Time) error {
		return q.deleteByReceipt(e.ReceiptHandle, now)
	})
}

// ChangeMessageVisibility changes the visibility timeout of an in-flight message.
func (s *Service) ChangeMessageVisibility(_ context.Context, in *changeMessageVisibilityInput) (*struct{}, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*struct{}, error) {
		if in.ReceiptHandle == "" {
			return nil, errMissingParameter("ReceiptHandle")
		}
		return nil, q.changeVisibility(in.ReceiptHandle, in.VisibilityTimeout, s.env.Clock.Now())
	})
}

// ChangeMessageVisibilityBatch changes up to ten visibility timeouts; an entry without
// one sets zero, the model's default.
func (s *Service) ChangeMessageVisibilityBatch(_ context.Context, in *receiptBatchInput) (*receiptBatchOutput, error) {
	return s.receiptBatch(in, func(q *queue, e receiptEntry, now time.Time) error {
		vis := e.VisibilityTimeout
		if vis == nil {
			vis = new(int)
		}
		return q.changeVisibility(e.ReceiptHandle, vis, now)
	})
}

// receiptBatch runs fn for each entry of a receipt-handle batch.
func (s *Service) receiptBatch(in *receiptBatchInput, fn func(*queue, receiptEntry, time.Time) error) (
	*receiptBatchOutput, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*receiptBatchOutput, error) {
		ids := make([]string, len(in.Entries))
		for i, e := range in.Entries {
			ids[i] = e.Id
		}
		if err := checkBatch(ids); err != nil {
			return nil, err
		}
		now := s.env.Clock.Now()
		out := &receiptBatchOutput{Successful: []batchResultEntry{}, Failed: []batchResultErrorEntry{}}
		for _, e := range in.Entries {
			var err error = errMissingParameter("ReceiptHandle")
			if e.ReceiptHandle != "" {
				err = fn(q, e, now)
			}
			if err != nil {
				out.Failed = append(out.Failed, batchFailure(e.Id, err))
				continue
			}
			out.Successful = append(out.Successful, batchResultEntry{Id: e.Id})
		}
		q.compact()
		return out, nil
	})
}
