package sqs

import "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"

// ResourcePolicy is a queue's Policy attribute, for the authorizer.
func (s *Service) ResourcePolicy(arn string) (string, bool) {
	q, err := shape.ParseQueueARN(arn)
	if err != nil || q.Account != s.env.Account || q.Region != s.env.Region {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	queue, ok := s.queues[q.Name]
	if !ok {
		return "", false
	}
	doc, ok := queue.attrs[attrPolicy]
	return doc, ok && doc != ""
}
