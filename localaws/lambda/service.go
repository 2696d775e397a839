// Package lambda emulates the Lambda control plane over REST-JSON and wires the data
// plane (execenv), the SQS event source mappings (esm) and async invokes (async).
//
// Transitional states (function Pending, update InProgress, mapping Creating and
// Updating) settle on the next request that reads the resource, so that pollers such as
// the Terraform provider see AWS's sequence without waiting.
package lambda

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/async"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/esm"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Service holds the Lambda state.
type Service struct {
	env *core.Env
	mux *http.ServeMux
	protocol.RESTService

	pool   *execenv.Pool
	faults *faults.Set
	esm    *esm.Manager
	async  *async.Queue

	mu        sync.Mutex
	functions map[string]*function // by name
	mappings  map[string]*mapping  // by UUID
	// esmSync orders mapping changes with their esm.Manager calls, which run unlocked.
	esmSync sync.Mutex

	credsMu sync.Mutex
	creds   map[string]aws.CredentialsProvider // execution role sessions by function ARN
}

// Options configures the service; the zero value is the default.
type Options struct {
	// Faults is the fault injection of every invocation, also served at
	// /_localaws/faults; nil starts with none.
	Faults *faults.Set
}

// New builds the service with the default options.
func New(env *core.Env) *Service { return Options{}.New(env) }

// New builds the service with o.
func (o Options) New(env *core.Env) *Service {
	s := &Service{
		env: env, mux: http.NewServeMux(), RESTService: protocol.RESTService{Name: "lambda", Logger: env.Logger},
		functions: map[string]*function{}, mappings: map[string]*mapping{}, faults: o.Faults,
		creds: map[string]aws.CredentialsProvider{},
	}
	if s.faults == nil {
		s.faults = faults.NewSet()
	} else if n := len(s.faults.List()); n > 0 {
		env.Logger.Info("fault injection set at startup", "functions", n)
	}
	s.pool = execenv.New(env, execenv.WithFaults(s.faults))
	s.esm = esm.New(env, s.invokeFromMapping)
	s.async = async.New(env, s.invokeFromQueue, s.eventInvokeConfigFor)
	s.routes()
	return s
}

func (s *Service) routes() {
	for _, rt := range []struct {
		pattern, op string
		fn          protocol.RESTHandler
	}{
		{"POST /2015-03-31/functions", "CreateFunction", s.CreateFunction},
		{"GET /2015-03-31/functions", "ListFunctions", s.ListFunctions},
		{"GET /2015-03-31/functions/{FunctionName}", "GetFunction", s.GetFunction},
		{"DELETE /2015-03-31/functions/{FunctionName}", "DeleteFunction", s.DeleteFunction},
		{"GET /2015-03-31/functions/{FunctionName}/configuration", "GetFunctionConfiguration", s.GetFunctionConfiguration},
		{"PUT /2015-03-31/functions/{FunctionName}/configuration", "UpdateFunctionConfiguration", s.UpdateFunctionConfiguration},
		{"PUT /2015-03-31/functions/{FunctionName}/code", "UpdateFunctionCode", s.UpdateFunctionCode},
		{"POST /2015-03-31/functions/{FunctionName}/versions", "PublishVersion", s.PublishVersion},
		{"GET /2015-03-31/functions/{FunctionName}/versions", "ListVersionsByFunction", s.ListVersionsByFunction},
		{"GET /2020-06-30/functions/{FunctionName}/code-signing-config", "GetFunctionCodeSigningConfig", s.GetFunctionCodeSigningConfig},
		{"DELETE /2020-06-30/functions/{FunctionName}/code-signing-config", "DeleteFunctionCodeSigningConfig", s.DeleteFunctionCodeSigningConfig},
		{"PUT /2017-10-31/functions/{FunctionName}/concurrency", "PutFunctionConcurrency", s.PutFunctionConcurrency},
		{"GET /2019-09-30/functions/{FunctionName}/concurrency", "GetFunctionConcurrency", s.GetFunctionConcurrency},
		{"DELETE /2017-10-31/functions/{FunctionName}/concurrency", "DeleteFunctionConcurrency", s.DeleteFunctionConcurrency},
		{"POST /2015-03-31/functions/{FunctionName}/policy", "AddPermission", s.AddPermission},
		{"GET /2015-03-31/functions/{FunctionName}/policy", "GetPolicy", s.GetPolicy},
		{"DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}", "RemovePermission", s.RemovePermission},
		{"PUT /2019-09-25/functions/{FunctionName}/event-invoke-config", "PutFunctionEventInvokeConfig", s.PutFunctionEventInvokeConfig},
		{"POST /2019-09-25/functions/{FunctionName}/event-invoke-config", "UpdateFunctionEventInvokeConfig", s.UpdateFunctionEventInvokeConfig},
		{"GET /2019-09-25/functions/{FunctionName}/event-invoke-config", "GetFunctionEventInvokeConfig", s.GetFunctionEventInvokeConfig},
		{"DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config", "DeleteFunctionEventInvokeConfig", s.DeleteFunctionEventInvokeConfig},
		{"GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list", "ListFunctionEventInvokeConfigs", s.ListFunctionEventInvokeConfigs},
		{"POST /2015-03-31/functions/{FunctionName}/invocations", "Invoke", s.Invoke},
		{"POST /2015-03-31/event-source-mappings", "CreateEventSourceMapping", s.CreateEventSourceMapping},
		{"GET /2015-03-31/event-source-mappings", "ListEventSourceMappings", s.ListEventSourceMappings},
		{"GET /2015-03-31/event-source-mappings/{UUID}", "GetEventSourceMapping", s.GetEventSourceMapping},
		{"PUT /2015-03-31/event-source-mappings/{UUID}", "UpdateEventSourceMapping", s.UpdateEventSourceMapping},
		{"DELETE /2015-03-31/event-source-mappings/{UUID}", "DeleteEventSourceMapping", s.DeleteEventSourceMapping},
		{"GET /2017-03-31/tags/{Resource}", "ListTags", s.ListTags},
		{"POST /2017-03-31/tags/{Resource}", "TagResource", s.TagResource},
		{"DELETE /2017-03-31/tags/{Resource}", "UntagResource", s.UntagResource},
		{"GET /2016-08-19/account-settings", "GetAccountSettings", s.GetAccountSettings},
	} {
		s.RESTService.Register(s.mux, rt.pattern, rt.op, rt.fn)
	}
	s.mux.Handle("/", s.RESTService.Handle("", func(r *http.Request) (int, any, error) {
		return 0, nil, protocol.NotFound("UnknownOperationException",
			"lambda: no operation matches %s %s; it is not emulated by localaws", r.Method, r.URL.Path)
	}))
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// AdminRoutes serves the environment listing, the fault injection endpoint
// (/_localaws/faults, see package faults), the deployment packages that GetFunction
// points at, and the Runtime API of the execution environments.
func (s *Service) AdminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_localaws/environments", func(w http.ResponseWriter, _ *http.Request) {
		envs := s.pool.Environments()
		if envs == nil {
			envs = []execenv.EnvironmentInfo{}
		}
		protocol.WriteJSON(w, http.StatusOK, envs)
	})
	mux.HandleFunc("GET "+packagesURLPath+"{file}", func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		if filepath.Base(file) != file || filepath.Ext(file) != ".zip" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		http.ServeFile(w, r, filepath.Join(s.packagesDir(), file))
	})
	s.faults.Routes(mux)
	s.pool.AdminRoutes(mux)
}

// Close stops the pollers and the async queue, which both invoke, then every environment.
func (s *Service) Close() error {
	return errors.Join(s.esm.Close(), s.async.Close(), s.pool.Close())
}

// packagesURLPath is where GetFunction's Code.Location points.
const packagesURLPath = "/_localaws/lambda/packages/"

func (s *Service) packagesDir() string { return filepath.Join(s.env.StateDir, "packages") }

// storePackage writes a deployment package once per content, named by its SHA-256.
func (s *Service) storePackage(hexSHA string, zip []byte) (string, error) {
	dir := s.packagesDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("store package: %w", err)
	}
	path := filepath.Join(dir, hexSHA+".zip")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return "", fmt.Errorf("store package: %w", err)
	}
	_, werr := tmp.Write(zip)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("store package: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("store package: %w", err)
	}
	return path, nil
}
