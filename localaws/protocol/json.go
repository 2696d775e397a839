package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// JSONOp is one operation of an AWS JSON 1.0/1.1 service.
type JSONOp func(ctx context.Context, body []byte) (any, error)

// Op adapts a typed handler to a JSONOp: it decodes the body into I and returns O.
func Op[I, O any](fn func(context.Context, *I) (*O, error)) JSONOp {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(I)
		if err := unmarshalBody(body, in); err != nil {
			return nil, Errorf(http.StatusBadRequest, "SerializationException", "malformed request body: %v", err)
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return struct{}{}, nil
		}
		return out, nil
	}
}

// unmarshalBody decodes a JSON request body into v; an empty body leaves v unchanged.
// Invalid UTF-8 is refused as AWS's parsers do, rather than replaced with U+FFFD.
func unmarshalBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if !utf8.Valid(body) {
		return errors.New("the body is not valid UTF-8")
	}
	err := json.Unmarshal(body, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// Name the member and JSON types, not the Go types behind them.
		where := "the request"
		if te.Field != "" {
			where = "member " + te.Field
		}
		return fmt.Errorf("%s must be %s, not a JSON %s", where, jsonKind(te.Type), te.Value)
	}
	return err
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	default:
		return "an object"
	}
}

// JSONService serves an AWS JSON protocol service (SQS: 1.0; EventBridge and Logs: 1.1).
type JSONService struct {
	// Name is the SigV4 signing name, also used in errors and logs, e.g. "sqs".
	Name string
	// TargetPrefix is the X-Amz-Target prefix, e.g. "AmazonSQS".
	TargetPrefix string
	// Version is "1.0" or "1.1".
	Version string
	// ErrorNamespace prefixes __type in errors, e.g. "com.amazonaws.sqs#"; may be empty.
	ErrorNamespace string
	// QueryNamespace, when set, is the XML namespace of the service's older query
	// protocol: a form body without X-Amz-Target gets an InvalidAction in XML, which
	// query clients can read, instead of a JSON error they cannot.
	QueryNamespace string
	Ops            map[string]JSONOp
	// Logger records server-side failures; the server's, handed to services in core.Env.
	Logger *slog.Logger
	// Denial words a refused request; the zero value is a 400 AccessDeniedException.
	Denial Denial
	guarded
}

// jsonDenial is how AWS JSON services word a refusal by default (EventBridge, Logs, DynamoDB).
var jsonDenial = Denial{Code: "AccessDeniedException", Status: http.StatusBadRequest}

// Operations lists the operations served.
func (s *JSONService) Operations() []string { return opNames(s.Ops) }

// Route finds the service by its X-Amz-Target prefix.
func (s *JSONService) Route() core.Route {
	return core.Route{SigningName: s.Name, TargetPrefix: s.TargetPrefix}
}

func (s *JSONService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = StartRequest(w, r)
	target := r.Header.Get("X-Amz-Target")
	op := strings.TrimPrefix(target, s.TargetPrefix+".")
	if target == "" && s.QueryNamespace != "" && isForm(r) {
		s.refuseQuery(w, r)
		return
	}
	if r.Method != http.MethodPost {
		s.WriteError(w, r, op, Errorf(http.StatusBadRequest, "UnknownOperationException",
			"%s: %s %s is not an operation; use POST with X-Amz-Target", s.Name, r.Method, r.URL.Path))
		return
	}
	fn, ok := s.Ops[op]
	if !ok || op == target {
		s.WriteError(w, r, op, Errorf(http.StatusBadRequest, "UnknownOperationException",
			"%s: operation %q is not supported by localaws", s.Name, target))
		return
	}
	body, err := ReadBody(r)
	if err != nil {
		s.WriteError(w, r, op, AsError(err))
		return
	}
	if err := s.check(r.Context(), s.Name, op, newJSONInput(body)); err != nil {
		s.WriteError(w, r, op, s.Denial.errorOf(err, jsonDenial))
		return
	}
	out, err := fn(r.Context(), body)
	if err != nil {
		s.WriteError(w, r, op, s.Denial.errorOf(err, jsonDenial))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-"+s.Version)
	_ = json.NewEncoder(w).Encode(out)
}

// refuseQuery answers a query protocol request in that protocol, naming its action.
func (s *JSONService) refuseQuery(w http.ResponseWriter, r *http.Request) {
	form, perr := readForm(r)
	if perr != nil {
		writeQueryError(w, r, s.Logger, s.Name, s.QueryNamespace, "", perr)
		return
	}
	action := form.Get("Action")
	writeQueryError(w, r, s.Logger, s.Name, s.QueryNamespace, action, Errorf(http.StatusBadRequest, "InvalidAction",
		"%s: action %q over the query protocol is not supported by localaws; use AWS JSON %s with X-Amz-Target: %s.%s",
		s.Name, action, s.Version, s.TargetPrefix, action))
}

func isForm(r *http.Request) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")
}

// WriteError renders e as AWS JSON: X-Amzn-ErrorType plus {"__type","message"}.
func (s *JSONService) WriteError(w http.ResponseWriter, r *http.Request, op string, e *Error) {
	logError(s.Logger, r, s.Name, op, e)
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-"+s.Version)
	h.Set("X-Amzn-ErrorType", e.Code)
	if e.QueryCode != "" {
		h.Set("x-amzn-query-error", e.QueryCode+";"+e.faultType())
	}
	w.WriteHeader(e.Status())
	body := map[string]any{}
	for k, v := range e.Fields {
		body[k] = v
	}
	body["__type"], body["message"] = s.ErrorNamespace+e.Code, e.Message
	_ = json.NewEncoder(w).Encode(body)
}
