// Package sts emulates the sts service over the AWS query protocol: GetCallerIdentity
// and AssumeRole with session tags, session policies and role chaining. Sessions live
// in the server's identity store, where the authorizer finds them.
package sts

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// XMLNamespace is the namespace of every STS response.
const XMLNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Service serves STS.
type Service struct {
	protocol.QueryService
	env *core.Env
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env}
	s.QueryService = protocol.QueryService{Name: "sts", XMLNamespace: XMLNamespace, Logger: env.Logger, Ops: map[string]protocol.QueryOp{
		"GetCallerIdentity": s.GetCallerIdentity,
		"AssumeRole":        s.AssumeRole,
	}}
	return s
}

// CallerIdentity is the GetCallerIdentityResult element.
type CallerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// GetCallerIdentity names the caller: a role session as
// arn:aws:sts::<account>:assumed-role/<role>/<session>, any key localaws did not issue
// as the account's administrator user.
func (s *Service) GetCallerIdentity(ctx context.Context, _ url.Values) (any, error) {
	if sess, ok := s.session(ctx); ok {
		if sess.Expired(s.env.Identity.Now()) {
			return nil, &core.ExpiredTokenError{}
		}
		return &CallerIdentity{Arn: sess.ARN(s.env.Account), UserID: sess.UserID(), Account: s.env.Account}, nil
	}
	return &CallerIdentity{Arn: s.env.ARN("iam", "", "user/"+identity.AdminUser), UserID: identity.AdminUserID,
		Account: s.env.Account}, nil
}

// session is the issued session that signed the request, if any.
func (s *Service) session(ctx context.Context) (identity.Session, bool) {
	c, _ := core.CallerFrom(ctx)
	return s.env.Identity.Lookup(c.AccessKeyID)
}

func validationError(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}

// formatTime is STS's timestamp format.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
