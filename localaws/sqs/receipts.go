package sqs

import (
	"context"
	"time"
)

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
