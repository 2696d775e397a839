package protocol_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
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

func TestCodecsLogThroughTheirLogger(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	jsonSvc := echoService("")
	jsonSvc.Logger = logger
	for name, w := range map[string]protocol.ErrorWriter{
		"json": jsonSvc, "query": &protocol.QueryService{Name: "q", Logger: logger},
		"rest": protocol.RESTService{Name: "r", Logger: logger},
	} {
		t.Run(name, func(t *testing.T) {
			logs.Reset()
			w.WriteError(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), "Op",
				protocol.Internal(errors.New("disk on fire")))
			assert.Contains(t, logs.String(), "request failed")
			assert.Contains(t, logs.String(), "disk on fire")

			logs.Reset()
			w.WriteError(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), "Op",
				protocol.Validation("the caller's mistake"))
			assert.Empty(t, logs.String(), "client errors are not logged")
		})
	}
}

func TestCodecsDeclareTheirRoute(t *testing.T) {
	assert.Equal(t, core.Route{SigningName: "echo", TargetPrefix: "Echo_1"}, echoService("").Route())
	assert.Equal(t, core.Route{SigningName: "q"}, (&protocol.QueryService{Name: "q"}).Route())
	assert.Equal(t, core.Route{SigningName: "r"}, protocol.RESTService{Name: "r"}.Route())
}
