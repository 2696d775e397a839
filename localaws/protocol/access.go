package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// Input reads a decoded request's members by their API names, whatever the protocol,
// so that one table can say which resource an operation acts on.
type Input interface {
	// Strings returns the string values at a member path such as "QueueUrl" or
	// "Entries.EventBusName"; lists on the way are flattened, and "*" names a map's
	// keys ("RequestItems.*"). Missing members give none.
	Strings(path string) []string
}

// First is the first value at path, or "".
func First(in Input, path string) string {
	if v := in.Strings(path); len(v) > 0 {
		return v[0]
	}
	return ""
}

// Guard authorises an operation once its request is read and before the service acts.
// The server installs one in every codec (SetGuard); none means every call is allowed.
type Guard interface {
	Check(ctx context.Context, service, op string, in Input) error
}

// guarded is what each codec embeds: the guard, set once before serving.
type guarded struct {
	guard Guard
}

// SetGuard installs g; the server calls it before it serves.
func (g *guarded) SetGuard(guard Guard) { g.guard = guard }

func (g *guarded) check(ctx context.Context, service, op string, in Input) error {
	if g.guard == nil {
		return nil
	}
	return g.guard.Check(ctx, service, op, in)
}

// Denial is how a service words a refused request: its AccessDenied code and status,
// and for SQS the query code its JSON errors carry. The zero value takes the
// protocol's usual words.
type Denial struct {
	Code      string
	Status    int
	QueryCode string
}

// errorOf is AsError that renders authorization failures in the service's words:
// a *core.AccessDeniedError as its AccessDenied, a *core.ExpiredTokenError as the
// matching ExpiredToken code.
func (d Denial) errorOf(err error, def Denial) *Error {
	if d.Code == "" {
		d.Code = def.Code
	}
	if d.Status == 0 {
		d.Status = def.Status
	}
	var denied *core.AccessDeniedError
	if errors.As(err, &denied) {
		return &Error{Code: d.Code, Message: denied.Error(), HTTPStatus: d.Status, QueryCode: d.QueryCode}
	}
	var expired *core.ExpiredTokenError
	if errors.As(err, &expired) {
		e := &Error{Code: strings.Replace(d.Code, "AccessDenied", "ExpiredToken", 1), Message: expired.Error(),
			HTTPStatus: d.Status}
		if d.QueryCode != "" {
			e.QueryCode = "ExpiredToken"
		}
		return e
	}
	return AsError(err)
}

// jsonInput reads members of a JSON body, decoding it only when first asked.
type jsonInput struct {
	body    []byte
	once    sync.Once
	members map[string]json.RawMessage
}

func newJSONInput(body []byte) *jsonInput { return &jsonInput{body: body} }

func (in *jsonInput) Strings(path string) []string {
	in.once.Do(func() { _ = json.Unmarshal(in.body, &in.members) })
	name, rest, _ := strings.Cut(path, ".")
	raw, ok := in.members[name]
	if !ok {
		return nil
	}
	return walkJSON(raw, rest, nil)
}

// walkJSON appends the strings at path under v, flattening lists.
func walkJSON(v json.RawMessage, path string, out []string) []string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return out
	}
	switch v[0] {
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(v, &items) == nil {
			for _, item := range items {
				out = walkJSON(item, path, out)
			}
		}
	case '{':
		if path == "" {
			return out
		}
		var members map[string]json.RawMessage
		if json.Unmarshal(v, &members) != nil {
			return out
		}
		if path == "*" {
			for name := range members {
				out = append(out, name)
			}
			sort.Strings(out)
			return out
		}
		name, rest, _ := strings.Cut(path, ".")
		out = walkJSON(members[name], rest, out)
	case '"':
		var s string
		if path == "" && json.Unmarshal(v, &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// formInput reads members of a query request: scalars by name, lists
// (PolicyArns.member.1) by their list's name, and a field of a list of structures
// (Tags.member.1.Key) as "Tags.Key".
type formInput url.Values

func (in formInput) Strings(path string) []string {
	if v, ok := in[path]; ok {
		return v
	}
	list, field, _ := strings.Cut(path, ".")
	var out []string
	for _, m := range Members(url.Values(in), list+".member") {
		if v, ok := m[field]; ok {
			out = append(out, v)
		}
	}
	return out
}

// MaxRESTBody is the largest REST body any operation reads: AWS's request limit for
// Lambda's inline zip of 50 MB, once base64-encoded in JSON. A guard reads no larger
// body, so that the operation refuses it unread.
const MaxRESTBody = 69905067

// restInput reads members of a REST request: path labels, then query parameters, then
// the JSON body, which it reads only when asked and puts back for the operation. A body
// not sent as JSON (Invoke's payload) is never read: it holds no input members.
type restInput struct {
	r    *http.Request
	body *jsonInput
}

func (in *restInput) Strings(path string) []string {
	if v := in.r.PathValue(path); v != "" {
		return []string{v}
	}
	if v, ok := in.r.URL.Query()[path]; ok {
		return v
	}
	if in.body == nil {
		ct, _, _ := strings.Cut(in.r.Header.Get("Content-Type"), ";")
		if in.r.ContentLength > MaxRESTBody || !strings.EqualFold(strings.TrimSpace(ct), "application/json") {
			return nil
		}
		// Whole: an inline zip may exceed MaxBodyBytes, and the operation reads it again.
		body, err := io.ReadAll(io.LimitReader(in.r.Body, MaxRESTBody+1))
		if err != nil {
			return nil
		}
		in.r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), in.r.Body))
		in.body = newJSONInput(body)
	}
	return in.body.Strings(path)
}
