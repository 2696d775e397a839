// Package lambda emulates the Lambda control plane over REST-JSON and wires the data
// plane (execenv), the SQS event source mappings (esm) and async invokes (async).
package lambda

import (
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds the Lambda state.
type Service struct {
	env  *core.Env
	mux  *http.ServeMux
	rest protocol.RESTService
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env, mux: http.NewServeMux(), rest: protocol.RESTService{Name: "lambda"}}
	return s
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// SigningName is "lambda".
func (s *Service) SigningName() string { return "lambda" }

// TargetPrefix is empty: REST-JSON is routed by signing name and path.
func (s *Service) TargetPrefix() string { return "" }
