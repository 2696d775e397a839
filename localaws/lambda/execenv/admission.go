package execenv

import (
	"fmt"
	"strings"
)

// Admission: what an invocation must pass before it gets an environment (a Function the
// pool can run, and the concurrency limits), counted in and out of the pool. The
// control plane's rules (tenancy, defaults, a reservation of zero) are not repeated
// here: Invoke trusts its Function and tenant.

// check refuses a Function the pool cannot run: a runtime other than provided.*, python3.x
// and nodejs*, or a
// field the control plane always sets left unset.
func check(fn Function) error {
	switch _, managed := parseManaged(fn.Runtime); {
	case managed, fn.Runtime == "provided.al2023", fn.Runtime == "provided.al2", fn.Runtime == "provided":
	default:
		return &InvalidRuntimeError{Runtime: fn.Runtime}
	}
	var unset []string
	for _, f := range []struct {
		name  string
		unset bool
	}{
		{"Version", fn.Version == ""}, {"Architecture", fn.Architecture == ""}, {"LogGroup", fn.LogGroup == ""},
		{"Timeout", fn.Timeout <= 0}, {"MemoryMB", fn.MemoryMB <= 0},
	} {
		if f.unset {
			unset = append(unset, f.name)
		}
	}
	if len(unset) > 0 {
		return fmt.Errorf("execenv: function %s is incomplete: %s unset", fn.Name, strings.Join(unset, ", "))
	}
	return nil
}

// admit counts an invocation against the function's reserved concurrency and the
// account's limit, as Lambda throttles before it looks for an environment.
func (p *Pool) admit(fn Function) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return ErrShuttingDown
	case fn.ReservedConcurrency >= 0 && p.inflightByFunc[fn.Name] >= fn.ReservedConcurrency:
		return &ThrottledError{Reason: FunctionLimit}
	case p.inflight >= p.maxConcurrency:
		return &ThrottledError{Reason: AccountLimit}
	}
	p.inflight++
	p.inflightByFunc[fn.Name]++
	return nil
}

func (p *Pool) leave(fn Function) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if p.inflightByFunc[fn.Name]--; p.inflightByFunc[fn.Name] <= 0 {
		delete(p.inflightByFunc, fn.Name)
	}
}
