package execenv_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv/internal/testfn"
)

func TestLogsAreShippedToTheEnvironmentsStream(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	client := cloudwatchlogs.NewFromConfig(h.env.AWSConfig())
	fn := h.function(t, "shipped")
	_, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(fn.LogGroup)})
	require.NoError(t, err)

	_, blue := h.invoke(t, fn, "blue", testfn.Request{Action: "print", Text: "blue was here"})
	_, green := h.invoke(t, fn, "green", testfn.Request{Action: "print", Text: "green was here"})
	require.NotEqual(t, blue.LogStream, green.LogStream, "one stream per environment")

	for _, tc := range []struct {
		resp testfn.Response
		own  string
		not  string
	}{{blue, "blue was here", "green was here"}, {green, "green was here", "blue was here"}} {
		var messages []string
		eventually(t, "the stream "+tc.resp.LogStream+" has the invocation", func() bool {
			out, err := client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(fn.LogGroup),
				LogStreamName: aws.String(tc.resp.LogStream), StartFromHead: aws.Bool(true)})
			if err != nil {
				return false // the stream is created with the first batch
			}
			messages = messages[:0]
			for _, ev := range out.Events {
				messages = append(messages, aws.ToString(ev.Message))
			}
			return len(messages) > 0 && strings.HasPrefix(messages[len(messages)-1], "REPORT")
		})
		require.Len(t, messages, 5, "%q", messages)
		assert.Equal(t, "START RequestId: "+tc.resp.RequestID+" Version: $LATEST", messages[0])
		assert.Equal(t, []string{tc.own, tc.own + " on stderr"}, messages[1:3],
			"stdout and stderr, in order, between START and END")
		assert.Equal(t, "END RequestId: "+tc.resp.RequestID, messages[3])
		assert.Regexp(t, reportLine, messages[4])
		assert.NotContains(t, strings.Join(messages, "\n"), tc.not, "a tenant's output never lands in another tenant's stream")
	}
}

// TestShippingSurvivesALostConnection drops the connection of the first PutLogEvents
// before the log service sees it: shipping must retry, not turn off for good.
func TestShippingSurvivesALostConnection(t *testing.T) {
	var dropped atomic.Bool
	front := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutLogEvents") && dropped.CompareAndSwap(false, true) {
				conn, _, err := http.NewResponseController(w).Hijack()
				require.NoError(t, err)
				_ = conn.Close()
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	h := newHarnessBehind(t, front, nil)
	ctx := context.Background()
	client := cloudwatchlogs.NewFromConfig(h.env.AWSConfig())
	fn := h.function(t, "lossy")
	_, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(fn.LogGroup)})
	require.NoError(t, err)

	_, resp := h.invoke(t, fn, "", testfn.Request{Action: "print", Text: "still shipped"})
	eventually(t, "the stream has the invocation", func() bool {
		out, err := client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(fn.LogGroup),
			LogStreamName: aws.String(resp.LogStream), StartFromHead: aws.Bool(true)})
		if err != nil {
			return false
		}
		var text []string
		for _, ev := range out.Events {
			text = append(text, aws.ToString(ev.Message))
		}
		return strings.Contains(strings.Join(text, "\n"), "still shipped")
	})
	require.True(t, dropped.Load(), "the first PutLogEvents was dropped")
	assert.NotContains(t, h.warns.String(), "file copy only", "one lost connection turned shipping off")
}

func TestMissingLogGroupFallsBackToTheFile(t *testing.T) {
	h := newHarness(t, nil)
	fn := h.function(t, "nogroup")
	res, _ := h.invoke(t, fn, "", testfn.Request{Action: "print", Text: "kept locally"})
	h.invoke(t, fn, "", testfn.Request{Action: "print", Text: "kept locally"})
	eventually(t, "the shipping problem is reported", func() bool {
		return strings.Contains(h.warns.String(), "lambda logs go to the file copy only")
	})
	_, again := h.invoke(t, fn, "", testfn.Request{})
	require.NotZero(t, again.PID, "invokes go on without the log service")
	data, err := os.ReadFile(filepath.Join(h.env.StateDir, "envs", res.EnvironmentID, "output.log"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "kept locally")
	assert.Equal(t, 1, strings.Count(h.warns.String(), "lambda logs go to the file copy only"),
		"one warning per environment, not one per batch")
}
