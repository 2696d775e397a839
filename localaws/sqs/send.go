package sqs

import (
	"context"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
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
