package localaws_test

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
)

// TestCloseWithAnUnusedConnection covers a connection that a client dialled but never
// sent a request on, as an HTTP client pool leaves behind when two requests race for a
// connection. net/http's Shutdown waits 5 s for one; Close must not fail on it.
func TestCloseWithAnUnusedConnection(t *testing.T) {
	t.Parallel()
	srv, _ := testserver.Start(t, localaws.Config{})
	conn, err := net.Dial("tcp", srv.URL()[len("http://"):])
	require.NoError(t, err)
	defer conn.Close()
	time.Sleep(200 * time.Millisecond) // let the server accept it; a queued one dies with the listener

	start := time.Now()
	require.NoError(t, srv.Close())
	require.Less(t, time.Since(start), 4*time.Second, "Close waited for the unused connection")

	// The server closed the connection rather than leaving it open.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(2*time.Second)))
	_, err = conn.Read(make([]byte, 1))
	var nerr net.Error
	require.False(t, errors.As(err, &nerr) && nerr.Timeout(), "the connection is still open after Close")
	require.Error(t, err)
}

// TestServicesLogThroughTheServersLogger covers a request the server routes to a
// service that fails it in a way worth logging: the line lands in Config.Logger.
func TestServicesLogThroughTheServersLogger(t *testing.T) {
	t.Parallel()
	var logs testserver.LogBuffer
	srv, _ := testserver.Start(t, localaws.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))},
		localaws.Use(sqs.New))
	req, err := http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("X-Amz-Target", "AmazonSQS.NoSuchOperation")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, logs.String(), "NoSuchOperation")
	assert.Contains(t, logs.String(), "UnknownOperationException")
}
