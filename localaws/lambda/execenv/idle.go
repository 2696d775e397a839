package execenv

import "time"

// Idle handling: taking a warm environment or starting one, putting it back after an
// answer, and stopping environments that are drained or idle past the TTL.

// take returns an idle environment of key, or starts a new one; either is busy on return.
func (p *Pool) take(key poolKey, fn Function, code *codeEntry) (e *environment, cold bool, err error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, false, ErrShuttingDown
	}
	if stack := p.idle[key]; len(stack) > 0 {
		// The most recently used environment is the warmest.
		e = stack[len(stack)-1]
		p.setIdleLocked(key, stack[:len(stack)-1])
		e.state = stateBusy
		p.mu.Unlock()
		return e, false, nil
	}
	p.mu.Unlock()
	e = p.newEnvironment(key, fn, code)
	if err := p.spawn(e); err != nil {
		return nil, false, err
	}
	return e, true, nil
}

func (p *Pool) setIdleLocked(key poolKey, stack []*environment) {
	if len(stack) == 0 {
		delete(p.idle, key)
		return
	}
	p.idle[key] = stack
}

// release makes e available again after an answered invocation, unless it must go.
func (p *Pool) release(e *environment, out outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e.invocations++
	e.lastUsed = p.env.Clock.Now()
	if p.closed || e.draining || e.state == stateDead || out.fatal {
		p.killLocked(e)
		return
	}
	e.state = stateIdle
	p.idle[e.key] = append(p.idle[e.key], e)
}

// discard stops e for good (timeout, init error); it never serves again.
func (p *Pool) discard(e *environment) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e.invocations++
	p.killLocked(e)
}

// Drain stops every environment of the function (on delete or code/config update).
// Idle environments stop now; busy ones finish their invocation first, as in Lambda.
func (p *Pool) Drain(functionName string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.envs {
		if e.fn.Name != functionName {
			continue
		}
		e.draining = true
		if e.state == stateIdle {
			p.killLocked(e)
		}
	}
}

// reap stops environments idle for longer than the TTL.
func (p *Pool) reap(tick <-chan time.Time, interval time.Duration) {
	defer p.wg.Done()
	for {
		select {
		case <-p.done:
			return
		case <-tick:
		}
		now := p.env.Clock.Now()
		p.mu.Lock()
		for _, e := range p.envs {
			if e.state == stateIdle && now.Sub(e.lastUsed) >= p.idleTTL {
				p.killLocked(e)
			}
		}
		p.mu.Unlock()
		tick = p.env.Clock.After(interval)
	}
}
