package execenv

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// MaxResponseBytes is the Runtime API's limit on a function response: 6 MiB plus 100
// bytes, as Lambda counts it.
const MaxResponseBytes = 6*1024*1024 + 100

// runtimePrefix is where each environment's Runtime API lives; the environment ID in
// the path is how a request is tied to its process.
const runtimePrefix = "/_localaws/runtime/{env}/2018-06-01/runtime/"

const (
	headerRequestID   = "Lambda-Runtime-Aws-Request-Id"
	headerDeadline    = "Lambda-Runtime-Deadline-Ms"
	headerFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	headerTraceID     = "Lambda-Runtime-Trace-Id"
	headerTenantID    = "Lambda-Runtime-Aws-Tenant-Id"
	headerErrorType   = "Lambda-Runtime-Function-Error-Type"
	trailerErrorBody  = "Lambda-Runtime-Function-Error-Body"
)

// AdminRoutes serves the Runtime API under /_localaws/runtime/{env}/2018-06-01/.
func (p *Pool) AdminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+runtimePrefix+"invocation/next", p.next)
	mux.HandleFunc("POST "+runtimePrefix+"invocation/{id}/response", p.response)
	mux.HandleFunc("POST "+runtimePrefix+"invocation/{id}/error", p.invocationError)
	mux.HandleFunc("POST "+runtimePrefix+"init/error", p.initError)
	mux.HandleFunc("/_localaws/runtime/", func(w http.ResponseWriter, r *http.Request) {
		runtimeError(w, http.StatusNotFound, "InvalidRequest",
			fmt.Sprintf("%s %s is not a Runtime API call localaws serves", r.Method, r.URL.Path))
	})
}

// runtimeError answers in the Runtime API's own error shape.
func runtimeError(w http.ResponseWriter, status int, errorType, msg string) {
	protocol.WriteJSON(w, status, map[string]string{"errorType": errorType, "errorMessage": msg})
}

func accepted(w http.ResponseWriter) {
	protocol.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
}

// lookup finds the environment a Runtime API call comes from.
func (p *Pool) lookup(w http.ResponseWriter, r *http.Request) (*environment, bool) {
	id := r.PathValue("env")
	p.mu.Lock()
	e := p.envs[id]
	p.mu.Unlock()
	if e == nil {
		runtimeError(w, http.StatusNotFound, "EnvironmentNotFound", fmt.Sprintf("no execution environment %q: "+
			"it was stopped (timeout, crash, idle reap, code update) or never existed", id))
		return nil, false
	}
	return e, true
}

func stateError(w http.ResponseWriter, from, to string) {
	runtimeError(w, http.StatusForbidden, "InvalidStateTransition",
		fmt.Sprintf("State transition from %s to %s failed for runtime. Error: State transition is not allowed", from, to))
}

// next blocks until the environment is given an invocation.
func (p *Pool) next(w http.ResponseWriter, r *http.Request) {
	e, ok := p.lookup(w, r)
	if !ok {
		return
	}
	p.mu.Lock()
	if e.current != nil {
		p.mu.Unlock()
		stateError(w, "Invoke", "Ready")
		return
	}
	if !e.ready {
		e.ready = true
		e.initDur = time.Since(e.spawnedAt)
		if e.state == stateStarting {
			e.state = stateBusy // a new environment is started for an invocation already waiting
		}
	}
	p.mu.Unlock()
	for {
		inv, ok := p.takeNext(e, r)
		if !ok {
			return
		}
		// Injected faults act before the runtime gets the event. An injected error
		// answers in its place, and the runtime keeps waiting for the next invocation.
		p.armKill(e, inv)
		if !p.hold(e, inv, r) {
			return
		}
		if inv.plan.Error {
			p.injectError(e, inv)
			continue
		}
		writeEvent(w, e, inv)
		return
	}
}

// takeNext waits for the environment's next invocation and marks it delivered: its
// duration and timeout run from here.
func (p *Pool) takeNext(e *environment, r *http.Request) (*invocation, bool) {
	var inv *invocation
	select {
	case inv = <-e.next:
	case <-e.exited:
		return nil, false
	case <-p.done:
		return nil, false
	case <-r.Context().Done():
		return nil, false
	}
	mustServe(e, inv)
	p.mu.Lock()
	e.pending, e.current = nil, inv
	inv.deliveredAt = time.Now()
	p.mu.Unlock()
	close(inv.delivered)
	e.log.start(inv)
	return inv, true
}

// writeEvent is the /next response that hands inv to the runtime.
func writeEvent(w http.ResponseWriter, e *environment, inv *invocation) {
	h := w.Header()
	h.Set(headerRequestID, inv.id)
	h.Set(headerDeadline, strconv.FormatInt(inv.deliveredAt.Add(e.fn.Timeout).UnixMilli(), 10))
	h.Set(headerFunctionARN, invokedARN(e.fn))
	h.Set(headerTraceID, inv.traceID)
	if inv.tenant != "" {
		h.Set(headerTenantID, inv.tenant)
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

// invokedARN is the ARN the runtime sees, qualified for a published version.
func invokedARN(fn Function) string {
	if fn.Version != "" && fn.Version != "$LATEST" {
		return fn.ARN + ":" + fn.Version
	}
	return fn.ARN
}

// claim ends the environment's current invocation if id names it.
func (p *Pool) claim(w http.ResponseWriter, e *environment, id, to string) (*invocation, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case e.current == nil:
		stateError(w, "Ready", to)
		return nil, false
	case e.current.id != id:
		runtimeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return nil, false
	}
	inv := e.current
	e.current = nil
	return inv, true
}

// readLimited reads at most limit bytes; tooLarge reports a longer body.
func readLimited(r io.Reader, limit int64) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > limit {
		return nil, true, nil
	}
	return body, false, nil
}

func (p *Pool) response(w http.ResponseWriter, r *http.Request) {
	inv, body, ok := p.claimPosted(w, r, "InvocationResponse")
	if !ok {
		return
	}
	// aws-lambda-go reports a response it failed to produce in trailers.
	if typ := r.Trailer.Get(headerErrorType); typ != "" {
		payload, _ := base64.StdEncoding.DecodeString(r.Trailer.Get(trailerErrorBody))
		inv.done <- functionError(payload, typ)
		accepted(w)
		return
	}
	inv.done <- success(body)
	accepted(w)
}

// claimPosted reads the body a runtime posts for an invocation and claims that
// invocation for the transition. An oversized body fails the invocation here; ok is
// false whenever the request has been answered already.
func (p *Pool) claimPosted(w http.ResponseWriter, r *http.Request, transition string) (*invocation, []byte, bool) {
	e, ok := p.lookup(w, r)
	if !ok {
		return nil, nil, false
	}
	body, tooLarge, err := readLimited(r.Body, MaxResponseBytes)
	if err != nil {
		runtimeError(w, http.StatusBadRequest, "TruncatedHTTPRequest", "HTTP request detected as truncated")
		return nil, nil, false
	}
	inv, ok := p.claim(w, e, r.PathValue("id"), transition)
	if !ok {
		return nil, nil, false
	}
	if tooLarge {
		inv.done <- oversized()
		runtimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", MaxResponseBytes))
		return nil, nil, false
	}
	return inv, body, true
}

func oversized() outcome {
	body, _ := json.Marshal(map[string]string{
		"errorType":    "Function.ResponseSizeTooLarge",
		"errorMessage": fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseBytes),
	})
	return outcome{payload: body, status: statusError, errorType: "Function.ResponseSizeTooLarge", at: time.Now()}
}

// functionError is an error the runtime reported; its body is what the caller gets.
func functionError(body []byte, typ string) outcome {
	if len(bytes.TrimSpace(body)) == 0 {
		if typ == "" {
			typ = "Runtime.Unknown"
		}
		body, _ = json.Marshal(map[string]string{"errorType": typ, "errorMessage": "the runtime reported an error without a body"})
	}
	if typ == "" {
		var parsed struct {
			ErrorType string `json:"errorType"`
		}
		_ = json.Unmarshal(body, &parsed)
		typ = parsed.ErrorType
	}
	return outcome{payload: body, status: statusError, errorType: typ, at: time.Now()}
}

func (p *Pool) invocationError(w http.ResponseWriter, r *http.Request) {
	inv, body, ok := p.claimPosted(w, r, "InvocationErrorResponse")
	if !ok {
		return
	}
	inv.done <- functionError(body, r.Header.Get(headerErrorType))
	accepted(w)
}

// initError ends the environment: Lambda returns the posted error to the invocation
// that waited for this environment and never reuses it.
func (p *Pool) initError(w http.ResponseWriter, r *http.Request) {
	e, ok := p.lookup(w, r)
	if !ok {
		return
	}
	body, _, err := readLimited(r.Body, MaxResponseBytes)
	if err != nil {
		runtimeError(w, http.StatusBadRequest, "TruncatedHTTPRequest", "HTTP request detected as truncated")
		return
	}
	p.mu.Lock()
	if e.ready {
		p.mu.Unlock()
		stateError(w, "Ready", "InitError")
		return
	}
	out := functionError(body, r.Header.Get(headerErrorType))
	out.fatal = true
	inv := e.pending
	e.pending = nil
	p.killLocked(e)
	p.mu.Unlock()
	if inv != nil {
		inv.done <- out
	}
	e.log.platform(fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s",
		ms(time.Since(e.spawnedAt)), out.errorType))
	accepted(w)
}
