package isolation

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Log attribute keys, the same as lambdacontext.NewLogHandler and Lambda's own JSON log lines use, so that a Logs
// Insights query such as `filter tenantId = "acme"` finds application and platform lines alike.
const (
	KeyTenantID  = "tenantId"
	KeyRequestID = "requestId"
)

// NewLogHandler wraps next so that every record logged with an invocation context carries tenantId and requestId.
// A record that already has one of those attributes keeps its own.
//
// aws-lambda-go's lambdacontext.NewLogHandler(lambdacontext.WithTenantID()) adds the same fields, but it always writes
// to stdout and picks text or JSON from AWS_LAMBDA_LOG_FORMAT. This wrapper composes with any handler instead, which
// lets tests capture the output and keeps JSON regardless of the function's log format setting.
func NewLogHandler(next slog.Handler) slog.Handler {
	return &logHandler{next: next}
}

// NewLogger returns a JSON logger writing to w (os.Stdout when nil), at the level named by AWS_LAMBDA_LOG_LEVEL
// (DEBUG, INFO, WARN or ERROR; INFO when unset), with tenantId and requestId added from the context.
func NewLogger(w io.Writer) *slog.Logger {
	if w == nil {
		w = os.Stdout
	}
	return slog.New(NewLogHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: LevelFromEnv()})))
}

// LevelFromEnv returns the level that AWS_LAMBDA_LOG_LEVEL names, or INFO.
func LevelFromEnv() slog.Level {
	switch strings.ToUpper(os.Getenv("AWS_LAMBDA_LOG_LEVEL")) {
	case "TRACE", "DEBUG":
		return slog.LevelDebug
	case "WARN":
		return slog.LevelWarn
	case "ERROR", "FATAL":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

type logHandler struct {
	next slog.Handler
	has  uint8 // which of the keys WithAttrs already added
}

const (
	hasTenant uint8 = 1 << iota
	hasRequest
)

func (h *logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	has := h.has
	if has != hasTenant|hasRequest {
		r.Attrs(func(a slog.Attr) bool {
			has |= keyBit(a.Key)
			return true
		})
	}
	if has&hasTenant == 0 {
		if id, ok := TenantID(ctx); ok {
			r.AddAttrs(slog.String(KeyTenantID, id))
		}
	}
	if has&hasRequest == 0 {
		if id := RequestID(ctx); id != "" {
			r.AddAttrs(slog.String(KeyRequestID, id))
		}
	}
	return h.next.Handle(ctx, r)
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	has := h.has
	for _, a := range attrs {
		has |= keyBit(a.Key)
	}
	return &logHandler{next: h.next.WithAttrs(attrs), has: has}
}

// WithGroup starts a group; the context fields then land inside it, which is what slog does for every attribute.
func (h *logHandler) WithGroup(name string) slog.Handler {
	return &logHandler{next: h.next.WithGroup(name), has: h.has}
}

func keyBit(k string) uint8 {
	switch k {
	case KeyTenantID:
		return hasTenant
	case KeyRequestID:
		return hasRequest
	}
	return 0
}
