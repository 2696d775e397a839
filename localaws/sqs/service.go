// Package sqs emulates Amazon SQS over AWS JSON 1.0: standard and FIFO queues,
// visibility timeouts, long polling, redrive to dead-letter queues and the message
// digests the SDK verifies.
package sqs

import (
	"net/http"
	"sync"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Service holds every queue. One mutex guards all of them: operations are short, and
// redrive moves messages between queues.
type Service struct {
	protocol.JSONService
	env *core.Env

	mu     sync.Mutex
	queues map[string]*queue // by name
	// deleted remembers when a name was freed, for QueueDeletedRecently.
	deleted map[string]time.Time

	closeOnce sync.Once
	closed    chan struct{} // ends long polls when the server stops
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env, queues: map[string]*queue{}, deleted: map[string]time.Time{},
		closed: make(chan struct{})}
	s.JSONService = protocol.JSONService{Name: "sqs", TargetPrefix: "AmazonSQS", Version: "1.0",
		ErrorNamespace: "com.amazonaws.sqs#", QueryNamespace: "http://queue.amazonaws.com/doc/2012-11-05/",
		Logger: env.Logger,
		// SQS answers a refusal with its query protocol's AccessDenied, a 403.
		Denial: protocol.Denial{Code: "AccessDenied", Status: http.StatusForbidden, QueryCode: "AccessDenied"},
		Ops: map[string]protocol.JSONOp{
			"CreateQueue":                  protocol.Op(s.CreateQueue),
			"GetQueueUrl":                  protocol.Op(s.GetQueueUrl),
			"ListQueues":                   protocol.Op(s.ListQueues),
			"DeleteQueue":                  protocol.Op(s.DeleteQueue),
			"GetQueueAttributes":           protocol.Op(s.GetQueueAttributes),
			"SetQueueAttributes":           protocol.Op(s.SetQueueAttributes),
			"TagQueue":                     protocol.Op(s.TagQueue),
			"UntagQueue":                   protocol.Op(s.UntagQueue),
			"ListQueueTags":                protocol.Op(s.ListQueueTags),
			"PurgeQueue":                   protocol.Op(s.PurgeQueue),
			"ListDeadLetterSourceQueues":   protocol.Op(s.ListDeadLetterSourceQueues),
			"SendMessage":                  protocol.Op(s.SendMessage),
			"SendMessageBatch":             protocol.Op(s.SendMessageBatch),
			"ReceiveMessage":               protocol.Op(s.ReceiveMessage),
			"DeleteMessage":                protocol.Op(s.DeleteMessage),
			"DeleteMessageBatch":           protocol.Op(s.DeleteMessageBatch),
			"ChangeMessageVisibility":      protocol.Op(s.ChangeMessageVisibility),
			"ChangeMessageVisibilityBatch": protocol.Op(s.ChangeMessageVisibilityBatch),
		}}
	return s
}

// Close ends every long poll so that the server can shut down promptly.
func (s *Service) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	return nil
}

// queueRef is the queue of this account and region with the given name.
func (s *Service) queueRef(name string) shape.Queue {
	return shape.Queue{Partition: core.Partition, Region: s.env.Region, Account: s.env.Account, Name: name}
}

// lookup resolves a QueueUrl with any host. The caller holds s.mu.
func (s *Service) lookup(queueURL string) (*queue, error) {
	if queueURL == "" {
		return nil, errMissingParameter("QueueUrl")
	}
	account, name, ok := shape.ParseQueueURL(queueURL)
	if !ok {
		return nil, errInvalidAddress(queueURL)
	}
	if account != s.env.Account {
		return nil, errQueueDoesNotExist()
	}
	q, ok := s.queues[name]
	if !ok {
		return nil, errQueueDoesNotExist()
	}
	return q, nil
}

// byARN finds a queue of this account and region by ARN. The caller holds s.mu.
func (s *Service) byARN(arn string) *queue {
	ref, err := shape.ParseQueueARN(arn)
	if err != nil {
		return nil
	}
	if q := s.queues[ref.Name]; q != nil && q.arn == arn {
		return q
	}
	return nil
}

// inQueue runs fn under s.mu on the queue that queueURL names.
func inQueue[T any](s *Service, queueURL string, fn func(*queue) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*queue, error) { return s.lookup(queueURL) }, fn)
}
