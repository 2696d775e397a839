// Package sts emulates the sts service over the AWS query protocol.
package sts

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds the sts state.
type Service struct {
	protocol.QueryService
	env *core.Env
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env}
	s.QueryService = protocol.QueryService{Name: "sts", Ops: map[string]protocol.QueryOp{}}
	return s
}

// SigningName is "sts".
func (s *Service) SigningName() string { return "sts" }

// TargetPrefix is empty: query protocol services are routed by signing name.
func (s *Service) TargetPrefix() string { return "" }
