package faults

import (
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// maxBody bounds a PUT body; a config is a few hundred bytes.
const maxBody = 64 << 10

const routePrefix = "/_localaws/faults"

// Routes serves the admin endpoint (see the package documentation).
func (s *Set) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+routePrefix, func(w http.ResponseWriter, _ *http.Request) {
		protocol.WriteJSON(w, http.StatusOK, struct {
			Functions []Entry `json:"functions"`
		}{s.List()})
	})
	mux.HandleFunc("GET "+routePrefix+"/{function}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("function")
		e, ok := s.Get(name)
		if !ok {
			writeError(w, protocol.NotFound("ResourceNotFoundException", "no fault config for function %s", name))
			return
		}
		protocol.WriteJSON(w, http.StatusOK, e)
	})
	mux.HandleFunc("PUT "+routePrefix+"/{function}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("function")
		body, err := protocol.ReadBodyLimit(r, maxBody)
		if err != nil {
			writeError(w, protocol.AsError(err))
			return
		}
		c, err := Decode(body)
		if err == nil {
			var e Entry
			if e, err = s.Put(name, c); err == nil {
				protocol.WriteJSON(w, http.StatusOK, e)
				return
			}
		}
		writeError(w, invalid(name, err))
	})
	mux.HandleFunc("DELETE "+routePrefix+"/{function}", func(w http.ResponseWriter, r *http.Request) {
		s.Delete(r.PathValue("function"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc(routePrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, protocol.NotFound("UnknownOperationException",
			"%s %s: use GET %s, or GET, PUT or DELETE %s/{function}", r.Method, r.URL.Path, routePrefix, routePrefix))
	})
}

func invalid(function string, err error) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "InvalidParameterValueException",
		"invalid fault config for function %s: %v", function, err)
}

// writeError answers in AWS's JSON error shape, {"__type":..., "message":...}, with the
// code in X-Amzn-ErrorType as well so that SDK-style clients read it either way.
func writeError(w http.ResponseWriter, e *protocol.Error) {
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	protocol.WriteJSON(w, e.Status(), map[string]string{"__type": e.Code, "message": e.Message})
}
