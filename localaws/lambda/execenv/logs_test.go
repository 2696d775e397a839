package execenv_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
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
	t.Parallel()
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
			messages = streamMessages(client, fn.LogGroup, tc.resp.LogStream)
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

// streamMessages is the messages of a stream, none while the stream does not exist: it is
// created with the first batch.
func streamMessages(client *cloudwatchlogs.Client, group, stream string) []string {
	out, err := client.GetLogEvents(context.Background(), &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
	if err != nil {
		return nil
	}
	var messages []string
	for _, ev := range out.Events {
		messages = append(messages, aws.ToString(ev.Message))
	}
	return messages
}

// TestShippingSurvivesALostConnection drops the connection of the first PutLogEvents
// before the log service sees it: shipping must retry, not turn off for good.
func TestShippingSurvivesALostConnection(t *testing.T) {
	t.Parallel()
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
		return slices.Contains(streamMessages(client, fn.LogGroup, resp.LogStream), "still shipped")
	})
	require.True(t, dropped.Load(), "the first PutLogEvents was dropped")
	assert.NotContains(t, h.warns.String(), "file copy only", "one lost connection turned shipping off")
}

func TestMissingLogGroupIsCreatedOnFirstOutput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ctx := context.Background()
	client := cloudwatchlogs.NewFromConfig(h.env.AWSConfig())
	fn := h.function(t, "selfmade")

	_, resp := h.invoke(t, fn, "", testfn.Request{Action: "print", Text: "shipped anyway"})
	eventually(t, "the stream in the created group has the output", func() bool {
		return slices.Contains(streamMessages(client, fn.LogGroup, resp.LogStream), "shipped anyway")
	})
	groups, err := client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(fn.LogGroup)})
	require.NoError(t, err)
	require.Len(t, groups.LogGroups, 1)
	tags, err := client.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{
		ResourceArn: aws.String(strings.TrimSuffix(aws.ToString(groups.LogGroups[0].Arn), ":*"))})
	require.NoError(t, err)
	assert.Empty(t, tags.Tags, "Lambda creates the group without tags")
	assert.NotContains(t, h.warns.String(), "file copy only")
}

// TestUncreatableLogGroupFallsBackToTheFile refuses CreateLogGroup, as a role without
// logs:CreateLogGroup would: the output stays in the environment's file copy.
func TestUncreatableLogGroupFallsBackToTheFile(t *testing.T) {
	t.Parallel()
	front := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".CreateLogGroup") {
				w.Header().Set("Content-Type", "application/x-amz-json-1.1")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"__type":"AccessDeniedException","message":"not allowed"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	h := newHarnessBehind(t, front, nil)
	fn := h.function(t, "nogroup")
	res, _ := h.invoke(t, fn, "", testfn.Request{Action: "print", Text: "kept locally"})
	h.invoke(t, fn, "", testfn.Request{Action: "print", Text: "kept locally"})
	eventually(t, "the shipping problem is reported", func() bool {
		return strings.Contains(h.warns.String(), "lambda logs go to the file copy only")
	})
	assert.Contains(t, h.warns.String(), "AccessDeniedException")
	_, again := h.invoke(t, fn, "", testfn.Request{})
	require.NotZero(t, again.PID, "invokes go on without the log service")
	data, err := os.ReadFile(filepath.Join(h.env.StateDir, "envs", res.EnvironmentID, "output.log"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "kept locally")
	assert.Equal(t, 1, strings.Count(h.warns.String(), "lambda logs go to the file copy only"),
		"one warning per environment, not one per batch")
}
