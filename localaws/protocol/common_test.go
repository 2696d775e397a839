package protocol_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

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
		{name: "chunked over the limit is read to the limit only", size: 20 << 20, chunked: true,
			tooBig: true, maxRead: limit + 1},
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
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// BenchmarkRefuseFarAboveLimit: what refusing a 20 MB body declared by Content-Length
// costs, against reading one at the limit. B/op shows the refused body is not buffered.
func BenchmarkRefuseFarAboveLimit(b *testing.B) {
	for _, bc := range []struct {
		name string
		size int64
	}{{"20MB declared", 20 << 20}, {"at the 1MB limit", 1 << 20}} {
		b.Run(bc.name, func(b *testing.B) {
			body := bytes.NewReader(make([]byte, bc.size))
			for b.Loop() {
				_, _ = body.Seek(0, io.SeekStart)
				req := httptest.NewRequest(http.MethodPost, "/", body)
				req.ContentLength = bc.size
				_, _ = protocol.ReadBodyLimit(req, 1<<20)
			}
		})
	}
}
