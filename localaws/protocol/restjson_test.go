package protocol_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

func TestDecodeJSONBadInput(t *testing.T) {
	tests := []struct {
		name, body    string
		code, message string
	}{
		{name: "valid", body: `{"Name":"a","Count":2}`},
		{name: "empty", body: "  "},
		{name: "malformed", body: `{"Name"`, code: "InvalidRequestContentException",
			message: "Could not parse request body into json: unexpected end of JSON input"},
		{name: "invalid UTF-8", body: "{\"Name\":\"\xc3\x28\"}", code: "InvalidRequestContentException",
			message: "not valid UTF-8"},
		{name: "wrong type", body: `{"Count":true}`, code: "InvalidRequestContentException",
			message: "member Count must be a number, not a JSON bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in echoInput
			err := protocol.DecodeJSON(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body)), &in)
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			var e *protocol.Error
			require.True(t, errors.As(err, &e), "got %v", err)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, http.StatusBadRequest, e.Status())
			assert.Contains(t, e.Message, tt.message)
		})
	}
}
