package protocol

import (
	"context"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// QueryOp is one operation of an AWS query protocol service. The result is marshalled
// as the <ActionResult> element; nil means the response has only ResponseMetadata.
type QueryOp func(ctx context.Context, form url.Values) (any, error)

// QueryService serves an AWS query protocol service with XML replies (IAM, STS).
type QueryService struct {
	// Name is the SigV4 signing name, also used in errors and logs, e.g. "iam".
	Name string
	// XMLNamespace of the response, e.g. "https://iam.amazonaws.com/doc/2010-05-08/".
	XMLNamespace string
	Ops          map[string]QueryOp
	// Logger records server-side failures; the server's, handed to services in core.Env.
	Logger *slog.Logger
	guarded
}

// queryDenial is how IAM and STS word a refusal.
var queryDenial = Denial{Code: "AccessDenied", Status: http.StatusForbidden}

// Operations lists the operations served.
func (s *QueryService) Operations() []string { return opNames(s.Ops) }

// Route finds the service by its signing name: query requests carry no X-Amz-Target.
func (s *QueryService) Route() core.Route { return core.Route{SigningName: s.Name} }

func (s *QueryService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = StartRequest(w, r)
	form, perr := readForm(r)
	if perr != nil {
		s.WriteError(w, r, "", perr)
		return
	}
	action := form.Get("Action")
	if action == "" {
		s.WriteError(w, r, "", Errorf(http.StatusBadRequest, "MissingAction",
			"%s: the request has no Action parameter", s.Name))
		return
	}
	fn, ok := s.Ops[action]
	if !ok {
		s.WriteError(w, r, action, Errorf(http.StatusBadRequest, "InvalidAction",
			"%s: action %q is not supported by localaws", s.Name, action))
		return
	}
	if err := s.check(r.Context(), s.Name, action, formInput(form)); err != nil {
		s.WriteError(w, r, action, Denial{}.errorOf(err, queryDenial))
		return
	}
	out, err := fn(r.Context(), form)
	if err != nil {
		s.WriteError(w, r, action, Denial{}.errorOf(err, queryDenial))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	enc := xml.NewEncoder(w)
	resp := xml.StartElement{Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: s.XMLNamespace}}}
	_ = enc.EncodeToken(resp)
	if out != nil {
		_ = enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: action + "Result"}})
	}
	_ = enc.EncodeElement(struct {
		RequestID string `xml:"RequestId"`
	}{requestID(r)}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	_ = enc.EncodeToken(resp.End())
	_ = enc.Flush()
}

func requestID(r *http.Request) string { return core.RequestID(r.Context()) }

// readForm reads the form of a query request: the body's parameters, then those of the
// URL that the body does not set.
func readForm(r *http.Request) (url.Values, *Error) {
	body, err := ReadBody(r)
	if err != nil {
		return nil, AsError(err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		// AWS's common error for a syntax error in the query string, with its 404.
		return nil, Errorf(http.StatusNotFound, "MalformedQueryString", "cannot parse form body: %v", err)
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	return form, nil
}

// WriteError renders e as a query protocol <ErrorResponse>.
func (s *QueryService) WriteError(w http.ResponseWriter, r *http.Request, action string, e *Error) {
	writeQueryError(w, r, s.Logger, s.Name, s.XMLNamespace, action, e)
}

func writeQueryError(w http.ResponseWriter, r *http.Request, log *slog.Logger, service, namespace, action string,
	e *Error) {
	logError(log, r, service, action, e)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status())
	type errBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Error     errBody  `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{Xmlns: namespace, Error: errBody{e.faultType(), e.Code, e.Message}, RequestID: requestID(r)})
}

// Members decodes a query list such as Tags.member.1.Key=k&Tags.member.1.Value=v into
// one map per member, in index order. For scalar lists (PolicyArns.member.1=x) the
// value is under the key "".
func Members(form url.Values, prefix string) []map[string]string {
	byIndex := map[int]map[string]string{}
	p := prefix + "."
	for k, v := range form {
		if !strings.HasPrefix(k, p) || len(v) == 0 {
			continue
		}
		rest := k[len(p):]
		idx, field, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if err != nil {
			continue
		}
		m := byIndex[n]
		if m == nil {
			m = map[string]string{}
			byIndex[n] = m
		}
		m[field] = v[0]
	}
	keys := make([]int, 0, len(byIndex))
	for k := range byIndex {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([]map[string]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, byIndex[k])
	}
	return out
}
