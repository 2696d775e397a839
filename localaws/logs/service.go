// Package logs emulates the logs service over AWS JSON 1.1.
package logs

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds the logs state.
type Service struct {
	protocol.JSONService
	env *core.Env
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env}
	s.JSONService = protocol.JSONService{Name: "logs", TargetPrefix: "Logs_20140328", Version: "1.1",
		Ops: map[string]protocol.JSONOp{}}
	return s
}

// SigningName is "logs".
func (s *Service) SigningName() string { return "logs" }

// TargetPrefix is "Logs_20140328".
func (s *Service) TargetPrefix() string { return "Logs_20140328" }
