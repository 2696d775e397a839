package protocol_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// fuzzInput has a member of every JSON kind the services decode.
type fuzzInput struct {
	Name    string
	Count   int
	Enabled bool
	Ratio   float64
	Tags    map[string]string
	List    []string
	Nested  *struct{ Depth int32 }
	When    *protocol.EpochSeconds
}

// decodes is the oracle: what the codecs must accept is what encoding/json accepts from
// valid UTF-8, and an empty or blank body.
func decodes(body []byte) (fuzzInput, bool) {
	var in fuzzInput
	if len(bytes.TrimSpace(body)) == 0 {
		return in, true
	}
	return in, utf8.Valid(body) && json.Unmarshal(body, &in) == nil
}

var jsonBodySeeds = []string{
	``, `  `, `{}`, `null`, `{"Name":"a","Count":3,"Enabled":true,"Ratio":0.5}`,
	`{"Tags":{"k":"v"},"List":["a","b"],"Nested":{"Depth":2},"When":1700000000.5}`,
	`{"Count":"3"}`, `{"Count":1e400}`, `{"Nested":{"Depth":4294967296}}`, `{"When":"yesterday"}`,
	`{"Name":"\ud800"}`, "{\"Name\":\"\xff\"}", `{"Name":"a"`, `[1,2]`, `"text"`, `{"Name":"a"} trailing`,
	`{"Tags":{"k":1}}`, `{"List":"notalist"}`,
}

// FuzzJSONBody sends arbitrary bodies to an AWS JSON operation: a body encoding/json
// decodes is served (and echoed unchanged), any other is a 400 SerializationException,
// and every answer is JSON.
func FuzzJSONBody(f *testing.F) {
	for _, s := range jsonBodySeeds {
		f.Add([]byte(s))
	}
	svc := &protocol.JSONService{Name: "fuzz", TargetPrefix: "Fuzz", Version: "1.0", ErrorNamespace: "com.example#",
		Ops: map[string]protocol.JSONOp{"Echo": protocol.Op(func(_ context.Context, in *fuzzInput) (*fuzzInput, error) {
			return in, nil
		})}}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "Fuzz.Echo")
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req)

		want, ok := decodes(body)
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		if !ok {
			if rec.Code != http.StatusBadRequest || rec.Header().Get("X-Amzn-ErrorType") != "SerializationException" {
				t.Fatalf("body %q: got %d %s, want 400 SerializationException", body, rec.Code, rec.Header().Get("X-Amzn-ErrorType"))
			}
			return
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("body %q decodes, but got %d: %s", body, rec.Code, rec.Body.String())
		}
		var got fuzzInput
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("echo %q does not decode: %v", rec.Body.String(), err)
		}
		wantJSON, _ := json.Marshal(want)
		gotJSON, _ := json.Marshal(got)
		if !bytes.Equal(wantJSON, gotJSON) {
			t.Fatalf("body %q decoded as %s, want %s", body, gotJSON, wantJSON)
		}
	})
}

// FuzzRESTBody sends arbitrary bodies to the REST-JSON decoder: it fails exactly when
// the oracle does, with Lambda's 400 InvalidRequestContentException.
func FuzzRESTBody(f *testing.F) {
	for _, s := range jsonBodySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/2015-03-31/functions", bytes.NewReader(body))
		var got fuzzInput
		err := protocol.DecodeJSON(req, &got)
		want, ok := decodes(body)
		if ok {
			if err != nil {
				t.Fatalf("body %q decodes, but DecodeJSON failed: %v", body, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("body %q: decoded %+v, want %+v", body, got, want)
			}
			return
		}
		var perr *protocol.Error
		if !errors.As(err, &perr) || perr.Code != "InvalidRequestContentException" || perr.Status() != http.StatusBadRequest {
			t.Fatalf("body %q: got %v, want a 400 InvalidRequestContentException", body, err)
		}
	})
}

// FuzzQueryForm sends arbitrary form bodies to a query protocol service: a body that
// does not parse is a 404 MalformedQueryString, one without Action a 400 MissingAction,
// an unknown action a 400 InvalidAction, and every answer is well-formed XML. The
// operation decodes a member list, which must hold one entry per distinct index.
func FuzzQueryForm(f *testing.F) {
	for _, s := range []string{
		"Action=Echo", "Action=Echo&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=x",
		"Action=Echo&Tags.member.10.Key=a&Tags.member.2.Key=b&Tags.member.x.Key=c", "Action=Other", "", "Action=",
		"Action=Echo&Tags.member.1=a&Tags.member.1=b", "%zz", "Action=Echo&a=%", "Action=Echo;x=1", "Action=%3Cx%3E",
		"Action=Echo&Tags.member.-1.Key=a&Tags.member.99999999999999999999.Key=b",
	} {
		f.Add(s)
	}
	svc := &protocol.QueryService{Name: "fuzz", XMLNamespace: "https://example.com/doc/",
		Ops: map[string]protocol.QueryOp{"Echo": func(_ context.Context, form url.Values) (any, error) {
			return struct {
				Members int `xml:"Members"`
			}{len(protocol.Members(form, "Tags"))}, nil
		}}}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req)

		dec := xml.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
		var code, members string
		var in string
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("answer to %q is not XML: %v: %s", body, err, rec.Body.String())
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				in = tok.Name.Local
			case xml.CharData:
				switch in {
				case "Code":
					code += string(tok)
				case "Members":
					members += string(tok)
				}
			case xml.EndElement:
				in = ""
			}
		}

		form, perr := url.ParseQuery(body)
		switch {
		case perr != nil:
			if rec.Code != http.StatusNotFound || code != "MalformedQueryString" {
				t.Fatalf("%q does not parse: got %d %s, want 404 MalformedQueryString", body, rec.Code, code)
			}
		case form.Get("Action") == "":
			if rec.Code != http.StatusBadRequest || code != "MissingAction" {
				t.Fatalf("%q has no action: got %d %s", body, rec.Code, code)
			}
		case form.Get("Action") != "Echo":
			if rec.Code != http.StatusBadRequest || code != "InvalidAction" {
				t.Fatalf("%q names another action: got %d %s", body, rec.Code, code)
			}
		default:
			if rec.Code != http.StatusOK {
				t.Fatalf("%q: got %d %s", body, rec.Code, rec.Body.String())
			}
			indexes := map[string]bool{}
			for k := range form {
				if rest, ok := strings.CutPrefix(k, "Tags.member."); ok {
					i, _, _ := strings.Cut(rest, ".")
					if n, err := strconv.Atoi(i); err == nil && n >= 1 {
						indexes[i] = true
					}
				}
			}
			if n, err := strconv.Atoi(members); err != nil || n > len(indexes) {
				t.Fatalf("%q: %s members decoded from %d indexes", body, members, len(indexes))
			}
		}
	})
}
