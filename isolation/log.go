package isolation

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync/atomic"
)

// Log attribute keys, the same as lambdacontext.NewLogHandler and Lambda's own JSON log lines use, so that a Logs
// Insights query such as `filter tenantId = "acme"` finds application and platform lines alike.
const (
	KeyTenantID  = "tenantId"
	KeyRequestID = "requestId"
)

// KeyTenantIDArg is where a call's own tenantId attribute goes when it conflicts with the invocation's tenant.
const KeyTenantIDArg = "tenantId_arg"

// NewLogHandler wraps next so that every record logged with an invocation context carries tenantId and requestId at
// the top level, also under WithGroup.
//
// The tenant of the context always wins: a handler that logs a payload's tenant with "tenantId" must not be able to
// make a line of acme's environment say globex. A call's top-level tenantId attribute (from the call, or from
// WithAttrs before any group) that differs from the context's is written as tenantId_arg and counted
// (RenamedTenantAttrs); one equal to it is written once. A record's own requestId is kept. Without a tenant in the
// context (at init, or in a function without tenant isolation), attributes are left as they are.
//
// aws-lambda-go's lambdacontext.NewLogHandler(lambdacontext.WithTenantID()) adds the same fields, but it always writes
// to stdout and picks text or JSON from AWS_LAMBDA_LOG_FORMAT. This wrapper composes with any handler instead, which
// lets tests capture the output and keeps JSON regardless of the function's log format setting.
func NewLogHandler(next slog.Handler) slog.Handler {
	return &logHandler{next: next}
}

// RenamedTenantAttrs counts, since the process started, the tenantId attributes that conflicted with the invocation's
// tenant and were written as tenantId_arg. A handler that logs payload tenants shows up here; export it as a metric.
func RenamedTenantAttrs() uint64 { return renamed.Load() }

var renamed atomic.Uint64

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

// logHandler passes attributes given before any group to next at once, except tenantId and requestId, which it keeps
// to decide per record. Once a group is open, it keeps groups and attributes itself and nests them under the record's
// top-level fields, because next could not add a top-level field after them.
type logHandler struct {
	next slog.Handler
	top  []slog.Attr    // tenantId and requestId attributes given before any group
	goas []groupOrAttrs // groups, and attributes given after the first group
}

type groupOrAttrs struct {
	group string // the group's name, or "" for attributes
	attrs []slog.Attr
}

func (h *logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	var top, inner []slog.Attr
	top = append(top, h.top...)
	r.Attrs(func(a slog.Attr) bool {
		inner = append(inner, a)
		return true
	})
	if len(h.goas) == 0 {
		top, inner = append(top, inner...), nil
	}
	top = inline(top)

	tenant, hasTenant := TenantID(ctx)
	hasRequest := false
	kept := top[:0]
	for _, a := range top {
		switch a.Key {
		case KeyRequestID:
			hasRequest = true
		case KeyTenantID:
			if !hasTenant {
				break
			}
			if v := a.Value.Resolve(); v.Kind() == slog.KindString && v.String() == tenant {
				continue // the same field the context gives
			}
			a.Key = KeyTenantIDArg
			renamed.Add(1)
		}
		kept = append(kept, a)
	}

	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	if hasTenant {
		out.AddAttrs(slog.String(KeyTenantID, tenant))
	}
	if id := RequestID(ctx); id != "" && !hasRequest {
		out.AddAttrs(slog.String(KeyRequestID, id))
	}
	out.AddAttrs(kept...)
	if len(h.goas) > 0 {
		out.AddAttrs(nest(h.goas, inner)...)
	}
	return h.next.Handle(ctx, out)
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	if len(h.goas) > 0 {
		h2.goas = append(slices.Clip(h.goas), groupOrAttrs{attrs: attrs})
		return &h2
	}
	var pass []slog.Attr
	for _, a := range inline(attrs) {
		if a.Key == KeyTenantID || a.Key == KeyRequestID {
			h2.top = append(slices.Clip(h2.top), a)
		} else {
			pass = append(pass, a)
		}
	}
	if len(pass) > 0 {
		h2.next = h.next.WithAttrs(pass)
	}
	return &h2
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.goas = append(slices.Clip(h.goas), groupOrAttrs{group: name})
	return &h2
}

// inline replaces groups with an empty key by their attributes, as handlers print them, so that a tenantId inside
// one is seen at the top level where it lands.
func inline(attrs []slog.Attr) []slog.Attr {
	for i, a := range attrs {
		if a.Key == "" && a.Value.Kind() == slog.KindGroup {
			out := slices.Clone(attrs[:i])
			for _, b := range attrs[i:] {
				if b.Key == "" && b.Value.Kind() == slog.KindGroup {
					out = append(out, inline(b.Value.Group())...)
				} else {
					out = append(out, b)
				}
			}
			return out
		}
	}
	return attrs
}

// nest wraps the record's attributes in the open groups, with the attributes given between them.
func nest(goas []groupOrAttrs, inner []slog.Attr) []slog.Attr {
	for i := len(goas) - 1; i >= 0; i-- {
		if g := goas[i]; g.group == "" {
			inner = append(slices.Clip(g.attrs), inner...)
		} else {
			inner = []slog.Attr{{Key: g.group, Value: slog.GroupValue(inner...)}}
		}
	}
	return inner
}
