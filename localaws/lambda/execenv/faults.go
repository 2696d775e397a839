package execenv

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// Fault injection in the data plane. Pool.invoke plans each invocation with the
// function's faults.Config and refuses planned throttles before anything else; the rest
// happens here, between delivery to the environment and the runtime's /next response,
// so that it counts in the invocation's duration and towards its timeout, and is logged
// between its START and END lines like any invocation.

// injectedErrorType is the errorType of an injected function error.
const injectedErrorType = "localaws.InjectedFault"

// hold keeps a delivered invocation from the runtime for its injected latency, or until
// the timeout kills the environment when a timeout is injected. It returns false when
// the invocation ended meanwhile (timeout, injected kill) or the runtime went away.
func (p *Pool) hold(e *environment, inv *invocation, r *http.Request) bool {
	var release <-chan time.Time // nil: held until the environment is killed
	switch {
	case inv.plan.Timeout:
	case inv.plan.Latency > 0:
		t := time.NewTimer(inv.plan.Latency)
		defer t.Stop()
		release = t.C
	default:
		return true
	}
	select {
	case <-release:
		return p.isCurrent(e, inv)
	case <-e.exited:
	case <-p.done:
	case <-r.Context().Done():
	}
	return false
}

// injectError answers inv with an unhandled error in place of the runtime, unless the
// invocation already ended (timeout). The environment stays warm, as after a handler error.
func (p *Pool) injectError(e *environment, inv *invocation) {
	if !p.claimCurrent(e, inv) {
		return
	}
	body, _ := json.Marshal(map[string]string{"errorType": injectedErrorType, "errorMessage": inv.plan.Message})
	inv.done <- outcome{payload: body, status: statusError, errorType: injectedErrorType, at: time.Now()}
}

func (p *Pool) isCurrent(e *environment, inv *invocation) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return e.current == inv && e.state != stateDead
}

// claimCurrent ends inv's hold on e's runtime if inv is still e's current invocation
// and e was not killed meanwhile (timeout).
func (p *Pool) claimCurrent(e *environment, inv *invocation) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.current != inv || e.state == stateDead {
		return false
	}
	e.current = nil
	return true
}

// armKill schedules the injected kill of e while it holds inv: kill.after_ms counts from
// delivery to the environment, like the duration.
func (p *Pool) armKill(e *environment, inv *invocation) {
	if !inv.plan.Kill {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	inv.killTimer = time.AfterFunc(inv.plan.KillAfter, func() { p.injectKill(e, inv) })
}

// injectKill SIGKILLs e's process group if inv is still running and a kill is left.
// The invocation is answered here, under the lock, with the crash Lambda reports, so
// that an answer the dying runtime might still post cannot win the race.
func (p *Pool) injectKill(e *environment, inv *invocation) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.current != inv || e.state == stateDead || !inv.plan.TakeKill() {
		return
	}
	e.current = nil
	inv.done <- exitOutcome(inv.id, errors.New("signal: killed"))
	p.killLocked(e)
}
