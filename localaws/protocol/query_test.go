package protocol_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

func TestQueryServiceBadInput(t *testing.T) {
	const ns = "https://q.example.com/doc/2010-05-08/"
	svc := &protocol.QueryService{Name: "q", XMLNamespace: ns, Ops: map[string]protocol.QueryOp{
		"Ping": func(context.Context, url.Values) (any, error) { return nil, nil },
	}}
	tests := []struct {
		name, url, body string
		status          int
		code, message   string
	}{
		{name: "valid request", body: "Action=Ping&Version=2010-05-08", status: 200},
		{name: "action in the URL", url: "/?Action=Ping", status: 200},
		{name: "bad escape", body: "Action=Ping&Name=%zz", status: 404, code: "MalformedQueryString",
			message: "invalid URL escape"},
		{name: "semicolon separator", body: "Action=Ping;Name=a", status: 404, code: "MalformedQueryString",
			message: "semicolon"},
		{name: "JSON body has no action", body: `{"Action":"Ping"}`, status: 400, code: "MissingAction",
			message: "no Action parameter"},
		{name: "empty body", status: 400, code: "MissingAction"},
		{name: "unknown action", body: "Action=Pong", status: 400, code: "InvalidAction",
			message: `q: action "Pong" is not supported`},
		{name: "body over the limit", body: "Action=Ping&Data=" + strings.Repeat("x", protocol.MaxBodyBytes), status: 413,
			code: "RequestEntityTooLargeException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.url
			if target == "" {
				target = "/"
			}
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			svc.ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, "text/xml", rec.Header().Get("Content-Type"))
			if tt.code == "" {
				assert.Contains(t, rec.Body.String(), "<PingResponse")
				return
			}
			var e queryError
			require.NoError(t, xml.Unmarshal(rec.Body.Bytes(), &e), rec.Body.String())
			assert.Equal(t, ns, e.Xmlns)
			assert.Equal(t, "Sender", e.Error.Type)
			assert.Equal(t, tt.code, e.Error.Code)
			assert.Contains(t, e.Error.Message, tt.message)
			assert.NotEmpty(t, e.RequestID)
		})
	}
}
