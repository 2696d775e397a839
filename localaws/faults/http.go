package faults

import (
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// maxBody bounds a PUT body; a config is a few hundred bytes.
const maxBody = 64 << 10

const routePrefix = "/_localaws/faults"

// Routes serves the set's admin endpoint (see the package documentation).
func (s *Set) Routes(mux *http.ServeMux) {
	route, noun := s.target.route, s.target.noun
	mux.HandleFunc("GET "+route, func(w http.ResponseWriter, _ *http.Request) {
		protocol.WriteJSON(w, http.StatusOK, map[string][]Entry{s.target.plural: s.List()})
	})
	mux.HandleFunc("GET "+route+"/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		e, ok := s.Get(name)
		if !ok {
			writeError(w, protocol.NotFound("ResourceNotFoundException", "no fault config for %s %s", noun, name))
			return
		}
		protocol.WriteJSON(w, http.StatusOK, e)
	})
	mux.HandleFunc("PUT "+route+"/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
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
		writeError(w, protocol.Errorf(http.StatusBadRequest, "InvalidParameterValueException",
			"invalid fault config for %s %s: %v", noun, name, err))
	})
	mux.HandleFunc("DELETE "+route+"/{name}", func(w http.ResponseWriter, r *http.Request) {
		s.Delete(r.PathValue("name"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc(route+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, protocol.NotFound("UnknownOperationException",
			"%s %s: use GET %s, or GET, PUT or DELETE %s/{%s}", r.Method, r.URL.Path, route, route, noun))
	})
}

// writeError answers in AWS's JSON error shape, {"__type":..., "message":...}, with the
// code in X-Amzn-ErrorType as well so that SDK-style clients read it either way.
func writeError(w http.ResponseWriter, e *protocol.Error) {
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	protocol.WriteJSON(w, e.Status(), map[string]string{"__type": e.Code, "message": e.Message})
}
