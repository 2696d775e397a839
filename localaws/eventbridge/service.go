// Package eventbridge emulates the eventbridge service over AWS JSON 1.1.
package eventbridge

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds the eventbridge state.
type Service struct {
	protocol.JSONService
	env *core.Env
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env}
	s.JSONService = protocol.JSONService{Name: "events", TargetPrefix: "AWSEvents", Version: "1.1",
		Ops: map[string]protocol.JSONOp{}}
	return s
}

// SigningName is "events".
func (s *Service) SigningName() string { return "events" }

// TargetPrefix is "AWSEvents".
func (s *Service) TargetPrefix() string { return "AWSEvents" }
