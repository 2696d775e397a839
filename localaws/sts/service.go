// Package sts emulates the sts service over the AWS query protocol.
package sts

import (
	"context"
	"net/url"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// XMLNamespace is the namespace of every STS response.
const XMLNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Service serves STS. It holds no state: every caller is the account root.
type Service struct {
	protocol.QueryService
	env *core.Env
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env}
	s.QueryService = protocol.QueryService{Name: "sts", XMLNamespace: XMLNamespace, Logger: env.Logger, Ops: map[string]protocol.QueryOp{
		"GetCallerIdentity": s.GetCallerIdentity,
	}}
	return s
}

// CallerIdentity is the GetCallerIdentityResult element.
type CallerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// GetCallerIdentity answers as the account root, whatever the credentials: localaws
// accepts any keys, and the provider only reads the account and partition from it.
func (s *Service) GetCallerIdentity(context.Context, url.Values) (any, error) {
	return &CallerIdentity{
		Arn:     s.env.ARN("iam", "", "root"),
		UserID:  s.env.Account,
		Account: s.env.Account,
	}, nil
}
