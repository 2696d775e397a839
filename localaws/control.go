package localaws

import (
	"net/http"
	"strings"
	"sync/atomic"
)

// ControlPrefix is where localaws serves what AWS has no API for: its environment
// table, fault injection and health.
const ControlPrefix = "/_localaws/"

// internalPrefixes are the paths under ControlPrefix that stand in for AWS's own
// internals rather than for a control of localaws: the Runtime API the function
// processes call, and the code downloads GetFunction's Code.Location points to.
var internalPrefixes = []string{ControlPrefix + "runtime/", ControlPrefix + "lambda/packages/"}

// countControl counts the requests to localaws's control endpoints, so that a run that
// claims to use only AWS's APIs can prove it (see ControlCalls).
func countControl(next http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isControl(r.URL.Path) {
			n.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

func isControl(path string) bool {
	if !strings.HasPrefix(path, ControlPrefix) {
		return false
	}
	for _, p := range internalPrefixes {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return true
}

// ControlCalls is how many requests reached localaws's control endpoints (everything
// under /_localaws/ except the Runtime API and code downloads) since the server was
// built. The localaws command logs it when it stops.
func (s *Server) ControlCalls() int64 { return s.controlCalls.Load() }
