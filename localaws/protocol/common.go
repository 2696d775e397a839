package protocol

import (
	"io"
	"log/slog"
	"net/http"
	"sort"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// MaxBodyBytes bounds what any codec reads. It is above every AWS payload limit
// (6 MB sync invoke) so that the services can answer with their own limit errors.
const MaxBodyBytes = 8 << 20

// ErrorWriter renders an error in a service's wire protocol. The server uses it for
// what it refuses before a service runs, such as oversized headers.
type ErrorWriter interface {
	WriteError(w http.ResponseWriter, r *http.Request, op string, e *Error)
}

// ReadBody reads the whole request body, with an AWS-shaped error when it is too large.
func ReadBody(r *http.Request) ([]byte, error) { return ReadBodyLimit(r, MaxBodyBytes) }

// ReadBodyLimit is ReadBody with an operation's own limit, which may exceed MaxBodyBytes
// (Lambda accepts 50 MB zips inline). A longer body is a 413 RequestEntityTooLargeException;
// services that name the limit differently can match on that code.
func ReadBodyLimit(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		// Refused unread: net/http replies, then closes the connection instead of reading
		// the rest (it lingers before the close so that the client reads the reply).
		return nil, bodyTooLarge(limit)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "SerializationException", "cannot read request body: %v", err)
	}
	if int64(len(body)) > limit {
		// A chunked body: the rest is left unread too.
		return nil, bodyTooLarge(limit)
	}
	return body, nil
}

func bodyTooLarge(limit int64) *Error {
	return Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
		"request body exceeds %d bytes", limit)
}

// StartRequest assigns the request ID and sets it on the response.
func StartRequest(w http.ResponseWriter, r *http.Request) *http.Request {
	id := core.RequestID(r.Context())
	if id == "" {
		id = core.NewUUID()
		r = r.WithContext(core.WithRequestID(r.Context(), id))
	}
	w.Header().Set("x-amzn-RequestId", id)
	return r
}

// logError records server-side failures and unknown operations on the service's
// logger (none when nil); client errors are the caller's business.
func logError(log *slog.Logger, r *http.Request, service, op string, e *Error) {
	if log == nil {
		return
	}
	if e.Status() >= 500 || e.Code == "UnknownOperationException" || e.Code == "InvalidAction" {
		log.Warn("request failed", "service", service, "operation", op, "code", e.Code, "message", e.Message,
			"requestId", core.RequestID(r.Context()))
	}
}

// opNames is the sorted names of an operation map.
func opNames[F any](ops map[string]F) []string {
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
