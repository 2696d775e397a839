package protocol_test

import (
	"bytes"
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

func TestReadBodyLimit(t *testing.T) {
	const limit = 1 << 10
	tests := []struct {
		name    string
		size    int
		chunked bool // no Content-Length, as with Transfer-Encoding: chunked
		tooBig  bool
		// maxRead bounds what the codec may consume of the body.
		maxRead int
	}{
		{name: "at the limit", size: limit, maxRead: limit + 1},
		{name: "declared over the limit is refused unread", size: 20 << 20, tooBig: true, maxRead: 0},
		{name: "chunked over the limit is read to the limit, drained to a bound", size: 20 << 20, chunked: true,
			tooBig: true, maxRead: limit + 1 + protocol.MaxBodyBytes},
		{name: "chunked at the limit", size: limit, chunked: true, maxRead: limit + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &countingReader{r: bytes.NewReader(make([]byte, tt.size))}
			req := httptest.NewRequest(http.MethodPost, "/", body)
			req.ContentLength = int64(tt.size)
			if tt.chunked {
				req.ContentLength = -1
			}
			got, err := protocol.ReadBodyLimit(req, limit)
			assert.LessOrEqual(t, body.n, tt.maxRead)
			if !tt.tooBig {
				require.NoError(t, err)
				assert.Len(t, got, tt.size)
				return
			}
			var e *protocol.Error
			require.True(t, errors.As(err, &e), "got %v", err)
			assert.Equal(t, "RequestEntityTooLargeException", e.Code)
			assert.Equal(t, http.StatusRequestEntityTooLarge, e.Status())
			assert.Contains(t, e.Message, "exceeds 1024 bytes")
		})
	}
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
