// Package sqs emulates the sqs service over AWS JSON 1.0.
package sqs

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds the sqs state.
type Service struct {
	protocol.JSONService
	env *core.Env
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env}
	s.JSONService = protocol.JSONService{Name: "sqs", TargetPrefix: "AmazonSQS", Version: "1.0",
		Ops: map[string]protocol.JSONOp{}}
	return s
}

// SigningName is "sqs".
func (s *Service) SigningName() string { return "sqs" }

// TargetPrefix is "AmazonSQS".
func (s *Service) TargetPrefix() string { return "AmazonSQS" }
