package lambda

import (
	"encoding/json"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// ResourcePolicy is the policy AddPermission built on the function (or the version) an
// ARN names, for the authorizer: EventBridge invoking a function is allowed by it.
func (s *Service) ResourcePolicy(arn string) (string, bool) {
	resource, ok := shape.ResourceIn(arn, "lambda", s.env.Region, s.env.Account)
	name, isFunction := strings.CutPrefix(resource, "function:")
	if !ok || !isFunction {
		return "", false
	}
	ref, err := parseFunctionRef(name, "")
	if err != nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.functions[ref.Name]
	if f == nil {
		return "", false
	}
	v := f.version(ref.Qualifier)
	if v == nil || len(v.policy) == 0 {
		return "", false
	}
	b, err := json.Marshal(PolicyDocument{Version: "2012-10-17", ID: "default", Statement: v.policy})
	return string(b), err == nil
}
