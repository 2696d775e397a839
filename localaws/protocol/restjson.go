package protocol

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// RESTHandler is one REST-JSON operation (Lambda). It returns the status and a value
// to encode as JSON; a nil value with status 204 writes no body.
type RESTHandler func(r *http.Request) (status int, out any, err error)

// RESTService names a REST-JSON service for its routing, errors and logs.
type RESTService struct {
	// Name is the SigV4 signing name, e.g. "lambda".
	Name string
	// Logger records server-side failures; the server's, handed to services in core.Env.
	Logger *slog.Logger
	guarded
	routes []Route
}

// Route is one REST operation: its ServeMux pattern ("GET /path/{Label}") and name.
type Route struct {
	Pattern, Op string
}

// restDenial is how Lambda words a refusal.
var restDenial = Denial{Code: "AccessDeniedException", Status: http.StatusForbidden}

// Operations lists the operations registered with Register.
func (s *RESTService) Operations() []string {
	ops := make([]string, 0, len(s.routes))
	for _, r := range s.routes {
		ops = append(ops, r.Op)
	}
	return ops
}

// Routes lists the routes registered with Register.
func (s *RESTService) Routes() []Route { return append([]Route{}, s.routes...) }

// Register serves op at pattern on mux.
func (s *RESTService) Register(mux *http.ServeMux, pattern, op string, fn RESTHandler) {
	s.routes = append(s.routes, Route{Pattern: pattern, Op: op})
	mux.Handle(pattern, s.Handle(op, fn))
}

// Route finds the service by its signing name; its operations are told apart by path.
func (s RESTService) Route() core.Route { return core.Route{SigningName: s.Name} }

// Handle adapts a RESTHandler for an http.ServeMux route; op names it in logs and for
// the guard. An empty op is no operation (the answer to unknown paths) and is not guarded.
func (s *RESTService) Handle(op string, fn RESTHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r = StartRequest(w, r)
		if op != "" {
			if err := s.check(r.Context(), s.Name, op, &restInput{r: r}); err != nil {
				s.WriteError(w, r, op, Denial{}.errorOf(err, restDenial))
				return
			}
		}
		status, out, err := fn(r)
		if err != nil {
			s.WriteError(w, r, op, Denial{}.errorOf(err, restDenial))
			return
		}
		WriteJSON(w, status, out)
	}
}

// RawBody is a REST response whose body is an unencoded payload (Lambda Invoke's
// function output), with output members bound to response headers.
type RawBody struct {
	Header      http.Header
	ContentType string // omitted when empty
	Body        []byte
}

// WriteJSON writes v as application/json with the given status; a *RawBody is written as is.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	if raw, ok := v.(*RawBody); ok {
		for k, vs := range raw.Header {
			for _, hv := range vs {
				w.Header().Add(k, hv)
			}
		}
		if raw.ContentType != "" {
			w.Header().Set("Content-Type", raw.ContentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write(raw.Body)
		return
	}
	if raw, ok := v.(json.RawMessage); ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(raw)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError renders e the way Lambda does: X-Amzn-ErrorType plus {"Type","message"}.
func (s RESTService) WriteError(w http.ResponseWriter, r *http.Request, op string, e *Error) {
	logError(s.Logger, r, s.Name, op, e)
	typ := e.Type
	if typ == "" {
		typ = "User"
		if e.faultType() == "Receiver" {
			typ = "Service"
		}
	}
	body := map[string]any{}
	for k, v := range e.Fields {
		body[k] = v
	}
	body["Type"], body["message"] = typ, e.Message
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	WriteJSON(w, e.Status(), body)
}

// DecodeJSON reads a REST-JSON request body into v. An empty body leaves v unchanged.
func DecodeJSON(r *http.Request, v any) error { return DecodeJSONLimit(r, v, MaxBodyBytes) }

// DecodeJSONLimit is DecodeJSON with the operation's own body limit (see ReadBodyLimit).
func DecodeJSONLimit(r *http.Request, v any, limit int64) error {
	body, err := ReadBodyLimit(r, limit)
	if err != nil {
		return err
	}
	if err := unmarshalBody(body, v); err != nil {
		return Errorf(http.StatusBadRequest, "InvalidRequestContentException", "Could not parse request body into json: %v", err)
	}
	return nil
}
