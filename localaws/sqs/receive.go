package sqs

import (
	"context"
	"time"
)

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
