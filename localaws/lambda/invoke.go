package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/async"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Invoke payload quotas: 6 MB synchronous, 1 MB asynchronous.
const (
	maxSyncPayload  = 6 << 20
	maxAsyncPayload = 1 << 20
)

const (
	msgTenantRequired  = "The invoked function is enabled with tenancy configuration. Add a valid tenant ID in your request and try again."
	msgTenantForbidden = "The invoked function is not enabled with tenancy configuration. Remove the tenant ID from your request and try again."
)

// Invoke runs a function: RequestResponse in an execution environment, Event through the
// async queue, DryRun only checks the request.
func (s *Service) Invoke(r *http.Request) (int, any, error) {
	ref, err := requestRef(r)
	if err != nil {
		return 0, nil, err
	}
	invocationType := r.Header.Get("X-Amz-Invocation-Type")
	if invocationType == "" {
		invocationType = "RequestResponse"
	}
	var errs shape.Violations
	errs.Enum("invocationType", invocationType, "Event", "RequestResponse", "DryRun")
	errs.Enum("logType", r.Header.Get("X-Amz-Log-Type"), "None", "Tail")
	tenantID := r.Header.Get("X-Amz-Tenant-Id")
	if err := errs.Err(protocol.Validation); err != nil {
		return 0, nil, err
	}
	if len(r.Header.Values("X-Amz-Tenant-Id")) > 0 {
		if err := validateTenantID(tenantID); err != nil {
			return 0, nil, err
		}
	}
	limit := int64(maxSyncPayload)
	if invocationType == "Event" {
		limit = maxAsyncPayload
	}
	payload, err := protocol.ReadBodyLimit(r, limit)
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) && pe.Code == "RequestEntityTooLargeException" {
			return 0, nil, payloadTooLarge(invocationType, r.ContentLength, limit)
		}
		return 0, nil, err
	}
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = []byte("{}")
	} else if err := json.Unmarshal(payload, new(json.RawMessage)); err != nil {
		return 0, nil, protocol.Errorf(http.StatusBadRequest, "InvalidRequestContentException",
			"Could not parse request body into json: Could not parse payload into json: %v", err)
	}
	target, err := s.prepareInvoke(ref, tenantID)
	if err != nil {
		return 0, nil, err
	}
	requestID := core.RequestID(r.Context())
	switch invocationType {
	case "DryRun":
		return http.StatusNoContent, nil, nil
	case "Event":
		s.async.Enqueue(async.Event{FunctionARN: target.ARN, Qualifier: target.Version, TenantID: tenantID,
			RequestID: requestID, Payload: payload, EnqueuedAt: s.env.Clock.Now()})
		return http.StatusAccepted, nil, nil
	}
	res, err := s.run(r.Context(), target, tenantID, requestID, payload)
	if err != nil {
		return 0, nil, err
	}
	h := http.Header{}
	executed := res.ExecutedVersion
	if executed == "" {
		executed = target.Version
	}
	h.Set("X-Amz-Executed-Version", executed)
	if res.FunctionError != "" {
		h.Set("X-Amz-Function-Error", res.FunctionError)
	}
	return http.StatusOK, &protocol.RawBody{Header: h, ContentType: "application/json", Body: res.Payload}, nil
}

// payloadTooLarge is Lambda's answer to an oversized payload: the code AWS sends is
// RequestEntityTooLargeException, not the RequestTooLargeException its API model names.
func payloadTooLarge(invocationType string, size, limit int64) *protocol.Error {
	if invocationType == "Event" && size > limit { // size is -1 for a chunked body
		return protocol.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
			"%d byte payload is too large for the Event invocation type (limit %d bytes)", size, limit)
	}
	return protocol.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
		"Request must be smaller than %d bytes for the InvokeFunction operation", limit)
}

// prepareInvoke resolves the version to run and applies the tenancy and throttling rules.
func (s *Service) prepareInvoke(ref functionRef, tenantID string) (execenv.Function, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, v, err := s.lookup(ref)
	if err != nil {
		return execenv.Function{}, err
	}
	cfg := v.cfg
	perTenant := cfg.TenancyConfig != nil
	switch {
	case perTenant && tenantID == "":
		return execenv.Function{}, invalidParameter(msgTenantRequired)
	case !perTenant && tenantID != "":
		return execenv.Function{}, invalidParameter(msgTenantForbidden)
	}
	reserved := -1
	if f.reserved != nil {
		reserved = *f.reserved
	}
	var env map[string]string
	if cfg.Environment != nil {
		env = maps.Clone(cfg.Environment.Variables)
	}
	if reserved == 0 {
		return execenv.Function{}, tooManyRequests(execenv.FunctionLimit)
	}
	return execenv.Function{
		Name: f.name, ARN: f.arn, Version: cfg.Version, CodeSHA256: cfg.CodeSha256, ZipPath: v.zipPath,
		Handler: cfg.Handler, Runtime: cfg.Runtime, Architecture: cfg.Architectures[0], MemoryMB: cfg.MemorySize,
		Timeout: time.Duration(cfg.Timeout) * time.Second, Env: env,
		LogGroup: cfg.LoggingConfig.LogGroup, ReservedConcurrency: reserved,
		LogFormat: cfg.LoggingConfig.LogFormat, ApplicationLogLevel: cfg.LoggingConfig.ApplicationLogLevel,
		Credentials: s.executionRole(f.arn),
	}, nil
}

// invoke is the one synchronous path behind event source mappings and async delivery.
func (s *Service) invoke(ctx context.Context, ref functionRef, tenantID, requestID string, payload []byte) (execenv.Result, error) {
	target, err := s.prepareInvoke(ref, tenantID)
	if err != nil {
		return execenv.Result{}, err
	}
	return s.run(ctx, target, tenantID, requestID, payload)
}

// run runs a prepared invocation in the pool, in Lambda's errors.
func (s *Service) run(ctx context.Context, target execenv.Function, tenantID, requestID string,
	payload []byte) (execenv.Result, error) {
	res, err := s.pool.Invoke(ctx, target, tenantID, requestID, payload)
	return res, poolError(err)
}

// invokeFromMapping is the esm.InvokeFunc: no tenant, as AWS's pollers send none.
func (s *Service) invokeFromMapping(ctx context.Context, functionARN string, payload []byte) ([]byte, string, error) {
	ref, err := parseFunctionRef(functionARN, "")
	if err != nil {
		return nil, "", err
	}
	res, err := s.invoke(ctx, ref, "", core.NewUUID(), payload)
	return res.Payload, res.FunctionError, err
}

// invokeFromQueue is the async.InvokeFunc.
func (s *Service) invokeFromQueue(ctx context.Context, ev async.Event) ([]byte, string, error) {
	ref, err := parseFunctionRef(ev.FunctionARN, ev.Qualifier)
	if err != nil {
		return nil, "", err
	}
	res, err := s.invoke(ctx, ref, ev.TenantID, ev.RequestID, ev.Payload)
	return res.Payload, res.FunctionError, err
}
