package protocol_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

type echoInput struct {
	Name  string
	Count int
	Tags  map[string]string
	When  *protocol.EpochSeconds
}

type echoOutput struct{ Name string }

func echoService(queryNamespace string) *protocol.JSONService {
	return &protocol.JSONService{Name: "echo", TargetPrefix: "Echo_1", Version: "1.0", ErrorNamespace: "com.example#",
		QueryNamespace: queryNamespace,
		Ops: map[string]protocol.JSONOp{
			"Echo": protocol.Op(func(_ context.Context, in *echoInput) (*echoOutput, error) {
				return &echoOutput{Name: in.Name}, nil
			}),
		}}
}

// jsonError is an AWS JSON error body.
type jsonError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func TestJSONServiceBadInput(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		status      int
		code        string
		message     string // a part of the message
	}{
		{name: "valid request", target: "Echo_1.Echo", body: `{"Name":"a"}`, status: 200},
		{name: "empty body is an empty input", target: "Echo_1.Echo", body: "", status: 200},
		{name: "truncated JSON", target: "Echo_1.Echo", body: `{"Name":`, status: 400,
			code: "SerializationException", message: "malformed request body"},
		{name: "not JSON at all", target: "Echo_1.Echo", body: `Action=Echo`, status: 400,
			code: "SerializationException", message: "invalid character"},
		{name: "trailing garbage", target: "Echo_1.Echo", body: `{"Name":"a"} x`, status: 400,
			code: "SerializationException", message: "after top-level value"},
		{name: "invalid UTF-8", target: "Echo_1.Echo", body: "{\"Name\":\"\xff\xfe\"}", status: 400,
			code: "SerializationException", message: "not valid UTF-8"},
		{name: "wrong member type names the member", target: "Echo_1.Echo", body: `{"Count":"three"}`, status: 400,
			code: "SerializationException", message: "member Count must be a number, not a JSON string"},
		{name: "a list where an object belongs", target: "Echo_1.Echo", body: `[1]`, status: 400,
			code: "SerializationException", message: "the request must be an object, not a JSON array"},
		{name: "map of the wrong type", target: "Echo_1.Echo", body: `{"Tags":{"a":1}}`, status: 400,
			code: "SerializationException", message: "must be a string, not a JSON number"},
		{name: "timestamp that is not a number", target: "Echo_1.Echo", body: `{"When":"yesterday"}`, status: 400,
			code: "SerializationException", message: "not a number of epoch seconds"},
		{name: "unknown operation", target: "Echo_1.Nope", body: `{}`, status: 400,
			code: "UnknownOperationException", message: `operation "Echo_1.Nope"`},
		{name: "target without the prefix", target: "Echo", body: `{}`, status: 400,
			code: "UnknownOperationException", message: `operation "Echo"`},
		{name: "GET is no operation", method: http.MethodGet, target: "Echo_1.Echo", status: 400,
			code: "UnknownOperationException", message: "GET / is not an operation"},
		{name: "body over the limit", target: "Echo_1.Echo", body: `{"Name":"` + strings.Repeat("x", protocol.MaxBodyBytes) + `"}`,
			status: 413, code: "RequestEntityTooLargeException", message: "exceeds 8388608 bytes"},
		{name: "query form without a query namespace is an unknown JSON operation",
			contentType: "application/x-www-form-urlencoded", body: "Action=Echo", status: 400,
			code: "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "/", strings.NewReader(tt.body))
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			echoService("").ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, "application/x-amz-json-1.0", rec.Header().Get("Content-Type"))
			assert.NotEmpty(t, rec.Header().Get("x-amzn-RequestId"))
			if tt.code == "" {
				return
			}
			assert.Equal(t, tt.code, rec.Header().Get("X-Amzn-ErrorType"))
			var body jsonError
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Equal(t, "com.example#"+tt.code, body.Type)
			assert.Contains(t, body.Message, tt.message)
			assert.NotContains(t, body.Message, "protocol_test.", "Go type names leak into the message")
		})
	}
}

// queryError is a query protocol <ErrorResponse>.
type queryError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type, Code, Message string
	}
	RequestID string `xml:"RequestId"`
}

func TestJSONServiceAnswersQueryRequestsInXML(t *testing.T) {
	const ns = "http://queue.example.com/doc/2012-11-05/"
	tests := []struct {
		name, contentType, body string
		status                  int
		code, message           string
	}{
		{"action named", "application/x-www-form-urlencoded; charset=utf-8", "Action=Echo&Version=2012-11-05", 400,
			"InvalidAction", `action "Echo" over the query protocol is not supported by localaws; use AWS JSON 1.0 with X-Amz-Target: Echo_1.Echo`},
		{"malformed form", "application/x-www-form-urlencoded", "Action=%zz", 404, "MalformedQueryString", "invalid URL escape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			rec := httptest.NewRecorder()
			echoService(ns).ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code)
			assert.Equal(t, "text/xml", rec.Header().Get("Content-Type"))
			var e queryError
			require.NoError(t, xml.Unmarshal(rec.Body.Bytes(), &e), rec.Body.String())
			assert.Equal(t, ns, e.Xmlns)
			assert.Equal(t, "Sender", e.Error.Type)
			assert.Equal(t, tt.code, e.Error.Code)
			assert.Contains(t, e.Error.Message, tt.message)
			assert.Equal(t, rec.Header().Get("x-amzn-RequestId"), e.RequestID)
		})
	}

	t.Run("a JSON request is still served", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"Name":"a"}`))
		req.Header.Set("X-Amz-Target", "Echo_1.Echo")
		rec := httptest.NewRecorder()
		echoService(ns).ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.JSONEq(t, `{"Name":"a"}`, rec.Body.String())
	})
}

func TestServicesAreErrorWriters(t *testing.T) {
	for name, w := range map[string]protocol.ErrorWriter{
		"json": echoService(""), "query": &protocol.QueryService{Name: "q"}, "rest": protocol.RESTService{Name: "r"},
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			w.WriteError(rec, httptest.NewRequest(http.MethodPost, "/", nil), "",
				protocol.Errorf(http.StatusRequestHeaderFieldsTooLarge, "RequestHeaderSectionTooLarge", "too big"))
			assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, rec.Code)
			assert.Contains(t, rec.Body.String(), "too big")
		})
	}
}
