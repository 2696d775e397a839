package sqs

import (
	"context"
	"encoding/base64"
	"sort"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

const (
	maxListResults     = 1000
	defaultListResults = 1000
)

// CreateQueue creates a queue, or returns the existing one when every given attribute matches.
func (s *Service) CreateQueue(_ context.Context, in *createQueueInput) (*queueURLOutput, error) {
	if in.QueueName == "" {
		return nil, errMissingParameter("QueueName")
	}
	fifo := strings.EqualFold(in.Attributes[attrFifoQueue], "true")
	if !validQueueName(in.QueueName, fifo) {
		if fifo {
			return nil, errInvalidParameterValue("The name of a FIFO queue can only include alphanumeric characters, " +
				"hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		return nil, errInvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. " +
			"1 to 80 in length")
	}
	attrs, err := canonicalAttributes(in.Attributes, fifo, true)
	if err != nil {
		return nil, err
	}
	var tags shape.TagSet
	if err := tagging(in.QueueName).Merge(&tags, shape.TagsOf(in.Tags)); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.env.Clock.Now()
	if q, ok := s.queues[in.QueueName]; ok {
		for k, v := range attrs {
			if q.attrs[k] != v {
				return nil, errQueueNameExists(k)
			}
		}
		return &queueURLOutput{QueueUrl: q.url}, nil
	}
	if at, ok := s.deleted[in.QueueName]; ok && now.Sub(at) < deleteRecreateWait {
		return nil, errQueueDeletedRecently(in.QueueName)
	}
	if err := s.checkRedriveTarget(attrs, fifo); err != nil {
		return nil, err
	}
	ref := s.queueRef(in.QueueName)
	q := newQueue(in.QueueName, ref.URL(s.env.BaseURL()), ref.ARN(), fifo, now)
	q.apply(attrs, now)
	q.tags = tags
	s.queues[q.name] = q
	delete(s.deleted, q.name)
	return &queueURLOutput{QueueUrl: q.url}, nil
}

// checkRedriveTarget requires a RedrivePolicy's dead-letter queue to exist and be of
// the source's type, as AWS does. The caller holds s.mu.
func (s *Service) checkRedriveTarget(attrs map[string]string, fifo bool) error {
	v := attrs[attrRedrivePolicy]
	if v == "" {
		return nil
	}
	p, err := parseRedrivePolicy(v)
	if err != nil {
		return err
	}
	dlq := s.byARN(p.deadLetterTargetArn)
	if dlq == nil {
		return errParamInvalid(attrRedrivePolicy, v, "Dead letter target does not exist.")
	}
	if dlq.fifo != fifo {
		return errParamInvalid(attrRedrivePolicy, v, "Dead-letter queue must be same type of queue as the source.")
	}
	return nil
}

// GetQueueUrl resolves a queue name in this account.
func (s *Service) GetQueueUrl(_ context.Context, in *getQueueURLInput) (*queueURLOutput, error) {
	if in.QueueName == "" {
		return nil, errMissingParameter("QueueName")
	}
	if in.QueueOwnerAWSAccountId != "" && in.QueueOwnerAWSAccountId != s.env.Account {
		return nil, errQueueDoesNotExist()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queues[in.QueueName]
	if !ok {
		return nil, errQueueDoesNotExist()
	}
	return &queueURLOutput{QueueUrl: q.url}, nil
}

// ListQueues lists queue URLs by name prefix, paginated when MaxResults is given.
func (s *Service) ListQueues(_ context.Context, in *listQueuesInput) (*listQueuesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name := range s.queues {
		if strings.HasPrefix(name, in.QueueNamePrefix) {
			names = append(names, name)
		}
	}
	page, next, err := s.paginate(names, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &listQueuesOutput{QueueUrls: page, NextToken: next}, nil
}

// ListDeadLetterSourceQueues lists the queues whose RedrivePolicy targets this one.
func (s *Service) ListDeadLetterSourceQueues(_ context.Context, in *listDeadLetterSourceQueuesInput) (
	*listDeadLetterSourceQueuesOutput, error) {
	return inQueue(s, in.QueueUrl, func(dlq *queue) (*listDeadLetterSourceQueuesOutput, error) {
		var names []string
		for name, q := range s.queues {
			if q.redrive != nil && q.redrive.deadLetterTargetArn == dlq.arn {
				names = append(names, name)
			}
		}
		page, next, err := s.paginate(names, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		if page == nil {
			page = []string{}
		}
		return &listDeadLetterSourceQueuesOutput{QueueUrls: page, NextToken: next}, nil
	})
}

// paginate sorts queue names and returns one page of URLs. Without MaxResults AWS
// returns up to 1,000 and no token.
func (s *Service) paginate(names []string, maxResults *int, token string) ([]string, string, error) {
	sort.Strings(names)
	limit := defaultListResults
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > maxListResults {
			return nil, "", errParamInvalid("MaxResults", *maxResults, "MaxResults must be between 1 and 1000.")
		}
		limit = *maxResults
	}
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", errParamInvalid("NextToken", token, "Invalid NextToken value.")
		}
		i := sort.SearchStrings(names, string(after))
		if i < len(names) && names[i] == string(after) {
			i++
		}
		names = names[i:]
	}
	next := ""
	if len(names) > limit {
		names = names[:limit]
		if maxResults != nil {
			next = base64.RawURLEncoding.EncodeToString([]byte(names[limit-1]))
		}
	}
	var urls []string
	for _, n := range names {
		urls = append(urls, s.queues[n].url)
	}
	return urls, next, nil
}

// DeleteQueue deletes a queue and its messages; the name is reusable after 60 seconds.
func (s *Service) DeleteQueue(_ context.Context, in *queueURLInput) (*struct{}, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*struct{}, error) {
		delete(s.queues, q.name)
		s.deleted[q.name] = s.env.Clock.Now()
		q.purge()
		q.signal() // waiting receivers return empty
		return nil, nil
	})
}

// GetQueueAttributes returns the named attributes, or every one for "All".
func (s *Service) GetQueueAttributes(_ context.Context, in *getQueueAttributesInput) (*attributesOutput, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*attributesOutput, error) {
		attrs, err := q.attributes(in.AttributeNames, s.env.Clock.Now())
		if err != nil {
			return nil, err
		}
		return &attributesOutput{Attributes: attrs}, nil
	})
}

// SetQueueAttributes validates and stores attributes; "" clears Policy and the redrive policies.
func (s *Service) SetQueueAttributes(_ context.Context, in *setQueueAttributesInput) (*struct{}, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*struct{}, error) {
		attrs, err := canonicalAttributes(in.Attributes, q.fifo, false)
		if err != nil {
			return nil, err
		}
		if err := s.checkRedriveTarget(attrs, q.fifo); err != nil {
			return nil, err
		}
		q.apply(attrs, s.env.Clock.Now())
		return nil, nil
	})
}

// TagQueue adds or replaces tags.
func (s *Service) TagQueue(_ context.Context, in *tagQueueInput) (*struct{}, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*struct{}, error) {
		if len(in.Tags) == 0 {
			return nil, errMissingParameter("Tags")
		}
		return nil, tagging(q.url).Merge(&q.tags, shape.TagsOf(in.Tags))
	})
}

// UntagQueue removes tags; unknown keys are ignored.
func (s *Service) UntagQueue(_ context.Context, in *untagQueueInput) (*struct{}, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*struct{}, error) {
		if len(in.TagKeys) == 0 {
			return nil, errMissingParameter("TagKeys")
		}
		tagging(q.url).Remove(&q.tags, in.TagKeys)
		return nil, nil
	})
}

// ListQueueTags returns the queue's tags.
func (s *Service) ListQueueTags(_ context.Context, in *queueURLInput) (*listQueueTagsOutput, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*listQueueTagsOutput, error) {
		return &listQueueTagsOutput{Tags: q.tags.Map()}, nil
	})
}

// PurgeQueue deletes every message; AWS allows one purge per queue every 60 seconds.
func (s *Service) PurgeQueue(_ context.Context, in *queueURLInput) (*struct{}, error) {
	return inQueue(s, in.QueueUrl, func(q *queue) (*struct{}, error) {
		now := s.env.Clock.Now()
		if !q.purged.IsZero() && now.Sub(q.purged) < purgeInterval {
			return nil, errPurgeQueueInProgress(q.url)
		}
		q.purge()
		q.purged = now
		return nil, nil
	})
}

// tagging is SQS's words for broken tag rules; queue names the queue in them.
func tagging(queue string) shape.Tagging {
	return shape.Tagging{Err: func(e shape.TagError) error {
		switch e.Fault {
		case shape.TooManyTags:
			return errTooManyTags(queue)
		case shape.TagValueLength:
			return errParamInvalid("Tag value", e.Tag.Value, "Tag values must be at most 256 characters.")
		}
		return errParamInvalid("Tag key", e.Tag.Key, "Tag keys must be between 1 and 128 characters.")
	}}
}
