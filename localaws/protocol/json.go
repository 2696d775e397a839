package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// JSONOp is one operation of an AWS JSON 1.0/1.1 service.
type JSONOp func(ctx context.Context, body []byte) (any, error)

// Op adapts a typed handler to a JSONOp: it decodes the body into I and returns O.
func Op[I, O any](fn func(context.Context, *I) (*O, error)) JSONOp {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(I)
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, Errorf(http.StatusBadRequest, "SerializationException", "malformed request body: %v", err)
			}
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

// JSONService serves an AWS JSON protocol service (SQS: 1.0; EventBridge and Logs: 1.1).
type JSONService struct {
	// Name is used in errors and logs, e.g. "sqs".
	Name string
	// TargetPrefix is the X-Amz-Target prefix, e.g. "AmazonSQS".
	TargetPrefix string
	// Version is "1.0" or "1.1".
	Version string
	// ErrorNamespace prefixes __type in errors, e.g. "com.amazonaws.sqs#"; may be empty.
	ErrorNamespace string
	Ops            map[string]JSONOp
}

func (s *JSONService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = StartRequest(w, r)
	target := r.Header.Get("X-Amz-Target")
	op := strings.TrimPrefix(target, s.TargetPrefix+".")
	if r.Method != http.MethodPost {
		s.writeError(w, r, op, Errorf(http.StatusBadRequest, "UnknownOperationException",
			"%s: %s %s is not an operation; use POST with X-Amz-Target", s.Name, r.Method, r.URL.Path))
		return
	}
	fn, ok := s.Ops[op]
	if !ok || op == target {
		s.writeError(w, r, op, Errorf(http.StatusBadRequest, "UnknownOperationException",
			"%s: operation %q is not supported by localaws", s.Name, target))
		return
	}
	body, err := ReadBody(r)
	if err != nil {
		s.writeError(w, r, op, AsError(err))
		return
	}
	out, err := fn(r.Context(), body)
	if err != nil {
		s.writeError(w, r, op, AsError(err))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-"+s.Version)
	_ = json.NewEncoder(w).Encode(out)
}

func (s *JSONService) writeError(w http.ResponseWriter, r *http.Request, op string, e *Error) {
	logError(r, s.Name, op, e)
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-"+s.Version)
	h.Set("X-Amzn-ErrorType", e.Code)
	if e.QueryCode != "" {
		h.Set("x-amzn-query-error", e.QueryCode+";"+e.faultType())
	}
	w.WriteHeader(e.Status())
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": s.ErrorNamespace + e.Code, "message": e.Message})
}
