// Package iam emulates the iam service over the AWS query protocol.
package iam

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds the iam state.
type Service struct {
	protocol.QueryService
	env *core.Env
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env}
	s.QueryService = protocol.QueryService{Name: "iam", Ops: map[string]protocol.QueryOp{}}
	return s
}

// SigningName is "iam".
func (s *Service) SigningName() string { return "iam" }

// TargetPrefix is empty: query protocol services are routed by signing name.
func (s *Service) TargetPrefix() string { return "" }
