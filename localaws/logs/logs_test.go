package logs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/logs"
)

const (
	account = "123456789012"
	region  = "us-east-1"
)

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// ms is a timestamp offset from the fake clock's start, in epoch milliseconds.
func ms(d time.Duration) int64 { return epoch.Add(d).UnixMilli() }

func newClient(t *testing.T) (*cloudwatchlogs.Client, *core.FakeClock) {
	t.Helper()
	clock := core.NewFakeClock(epoch)
	_, cfg := testserver.Start(t, localaws.Config{Account: account, Region: region, Clock: clock},
		localaws.Use(logs.New))
	return cloudwatchlogs.NewFromConfig(cfg), clock
}

func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	assert.Equal(t, code, apiErr.ErrorCode(), apiErr.ErrorMessage())
}

func createGroup(t *testing.T, c *cloudwatchlogs.Client, name string, streams ...string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)})
	require.NoError(t, err)
	for _, s := range streams {
		_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(name),
			LogStreamName: aws.String(s)})
		require.NoError(t, err)
	}
}

func put(t *testing.T, c *cloudwatchlogs.Client, group, stream string, events ...types.InputLogEvent) *cloudwatchlogs.PutLogEventsOutput {
	t.Helper()
	out, err := c.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String(stream), LogEvents: events})
	require.NoError(t, err)
	return out
}

func ev(at time.Duration, msg string) types.InputLogEvent {
	return types.InputLogEvent{Timestamp: aws.Int64(ms(at)), Message: aws.String(msg)}
}

func describeOne(t *testing.T, c *cloudwatchlogs.Client, name string) *types.LogGroup {
	t.Helper()
	out, err := c.DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	require.NoError(t, err)
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			return &g
		}
	}
	return nil
}

func TestLogGroupLifecycle(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	ctx := context.Background()
	const name = "/aws/lambda/router"
	arn := "arn:aws:logs:" + region + ":" + account + ":log-group:" + name
	key := "arn:aws:kms:" + region + ":" + account + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name), KmsKeyId: aws.String(key),
		LogGroupClass: types.LogGroupClassInfrequentAccess, Tags: map[string]string{"team": "core"}})
	require.NoError(t, err)
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)})
	requireCode(t, err, "ResourceAlreadyExistsException")
	var exists *types.ResourceAlreadyExistsException
	require.ErrorAs(t, err, &exists)

	g := describeOne(t, c, name)
	require.NotNil(t, g)
	assert.Equal(t, arn+":*", aws.ToString(g.Arn))
	assert.Equal(t, arn, aws.ToString(g.LogGroupArn))
	assert.Equal(t, epoch.UnixMilli(), aws.ToInt64(g.CreationTime))
	assert.Equal(t, key, aws.ToString(g.KmsKeyId))
	assert.Equal(t, types.LogGroupClassInfrequentAccess, g.LogGroupClass)
	assert.Nil(t, g.RetentionInDays)
	assert.False(t, aws.ToBool(g.DeletionProtectionEnabled))

	_, err = c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(14)})
	require.NoError(t, err)
	_, err = c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(2)})
	requireCode(t, err, "InvalidParameterException")
	_, err = c.DisassociateKmsKey(ctx, &cloudwatchlogs.DisassociateKmsKeyInput{LogGroupName: aws.String(name)})
	require.NoError(t, err)
	g = describeOne(t, c, name)
	assert.Equal(t, int32(14), aws.ToInt32(g.RetentionInDays))
	assert.Nil(t, g.KmsKeyId)
	_, err = c.AssociateKmsKey(ctx, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(name), KmsKeyId: aws.String(key)})
	require.NoError(t, err)
	_, err = c.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(name)})
	require.NoError(t, err)
	g = describeOne(t, c, name)
	assert.Nil(t, g.RetentionInDays)
	assert.Equal(t, key, aws.ToString(g.KmsKeyId))

	_, err = c.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"env": "dev"}})
	require.NoError(t, err)
	_, err = c.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team"}})
	require.NoError(t, err)
	tags, err := c.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"env": "dev"}, tags.Tags)
	//lint:ignore SA1019 the provider still calls the legacy tagging API, so localaws serves it
	_, err = c.TagLogGroup(ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String(name), Tags: map[string]string{"legacy": "yes"}})
	require.NoError(t, err)
	//lint:ignore SA1019 the provider still calls the legacy tagging API, so localaws serves it
	legacy, err := c.ListTagsLogGroup(ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String(name)})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"env": "dev", "legacy": "yes"}, legacy.Tags)

	_, err = c.PutLogGroupDeletionProtection(ctx, &cloudwatchlogs.PutLogGroupDeletionProtectionInput{
		LogGroupIdentifier: aws.String(arn), DeletionProtectionEnabled: aws.Bool(true)})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(describeOne(t, c, name).DeletionProtectionEnabled))
	_, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	requireCode(t, err, "ValidationException")
	_, err = c.PutLogGroupDeletionProtection(ctx, &cloudwatchlogs.PutLogGroupDeletionProtectionInput{
		LogGroupIdentifier: aws.String(name), DeletionProtectionEnabled: aws.Bool(false)})
	require.NoError(t, err)
	_, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	require.NoError(t, err)
	assert.Nil(t, describeOne(t, c, name))
	_, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	requireCode(t, err, "ResourceNotFoundException")
	var notFound *types.ResourceNotFoundException
	require.ErrorAs(t, err, &notFound)
}

func TestLogGroupErrors(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	ctx := context.Background()
	createGroup(t, c, "g")
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"invalid group name", func() error {
			_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad name")})
			return err
		}, "InvalidParameterException"},
		{"group name starting with aws/", func() error {
			_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("aws/lambda/x")})
			return err
		}, "InvalidParameterException"},
		{"KMS key that is not an ARN", func() error {
			_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("k"), KmsKeyId: aws.String("alias/x")})
			return err
		}, "InvalidParameterException"},
		{"reserved tag prefix", func() error {
			_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("t"), Tags: map[string]string{"aws:x": "y"}})
			return err
		}, "InvalidParameterException"},
		{"retention on a missing group", func() error {
			_, err := c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("nope"), RetentionInDays: aws.Int32(7)})
			return err
		}, "ResourceNotFoundException"},
		{"tags of a missing group", func() error {
			_, err := c.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{
				ResourceArn: aws.String("arn:aws:logs:" + region + ":" + account + ":log-group:nope")})
			return err
		}, "ResourceNotFoundException"},
		{"more than 50 tags", func() error {
			tags := map[string]string{}
			for i := range 51 {
				tags[fmt.Sprint("k", i)] = "v"
			}
			_, err := c.TagResource(ctx, &cloudwatchlogs.TagResourceInput{
				ResourceArn: aws.String("arn:aws:logs:" + region + ":" + account + ":log-group:g"), Tags: tags})
			return err
		}, "TooManyTagsException"},
		{"prefix and pattern together", func() error {
			_, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("a"),
				LogGroupNamePattern: aws.String("b")})
			return err
		}, "InvalidParameterException"},
		{"duplicate stream", func() error {
			_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
			if err != nil {
				return err
			}
			_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
			return err
		}, "ResourceAlreadyExistsException"},
		{"stream name with a colon", func() error {
			_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a:b")})
			return err
		}, "InvalidParameterException"},
		{"unknown operation names the service and the operation", func() error {
			_, err := c.DescribeDestinations(ctx, &cloudwatchlogs.DescribeDestinationsInput{})
			if err != nil && !strings.Contains(err.Error(), `logs: operation "Logs_20140328.DescribeDestinations"`) {
				return fmt.Errorf("message does not name service and operation: %w", err)
			}
			return err
		}, "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireCode(t, tt.call(), tt.code)
		})
	}
}

func TestDescribeLogGroupsFilters(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	ctx := context.Background()
	for _, n := range []string{"/aws/lambda/worker", "/aws/lambda/router", "/app/Router-audit", "/aws/events/bus"} {
		createGroup(t, c, n)
	}
	tests := []struct {
		name string
		in   cloudwatchlogs.DescribeLogGroupsInput
		want []string
	}{
		{"all groups in name order", cloudwatchlogs.DescribeLogGroupsInput{},
			[]string{"/app/Router-audit", "/aws/events/bus", "/aws/lambda/router", "/aws/lambda/worker"}},
		{"prefix is case-sensitive", cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")},
			[]string{"/aws/lambda/router", "/aws/lambda/worker"}},
		{"pattern is a case-insensitive substring", cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("ROUTER")},
			[]string{"/app/Router-audit", "/aws/lambda/router"}},
		{"identifiers take names and ARNs", cloudwatchlogs.DescribeLogGroupsInput{LogGroupIdentifiers: []string{
			"/aws/events/bus", "arn:aws:logs:" + region + ":" + account + ":log-group:/aws/lambda/worker"}},
			[]string{"/aws/events/bus", "/aws/lambda/worker"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Limit = aws.Int32(1)
			var names []string
			p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &in)
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page.LogGroups), 1)
				for _, g := range page.LogGroups {
					names = append(names, aws.ToString(g.LogGroupName))
				}
			}
			assert.Equal(t, tt.want, names)
		})
	}
}

func TestGetLogEventsPagesAndFollowsTheStream(t *testing.T) {
	t.Parallel()
	c, clock := newClient(t)
	ctx := context.Background()
	createGroup(t, c, "g", "s")
	first := put(t, c, "g", "s", ev(-3*time.Second, "one"), ev(-2*time.Second, "two"), ev(-time.Second, "three"))
	assert.NotEmpty(t, aws.ToString(first.NextSequenceToken))
	assert.Nil(t, first.RejectedLogEventsInfo)

	messages := func(out *cloudwatchlogs.GetLogEventsOutput) []string {
		var m []string
		for _, e := range out.Events {
			m = append(m, aws.ToString(e.Message))
		}
		return m
	}
	get := func(in cloudwatchlogs.GetLogEventsInput) *cloudwatchlogs.GetLogEventsOutput {
		in.LogGroupName, in.LogStreamName = aws.String("g"), aws.String("s")
		out, err := c.GetLogEvents(ctx, &in)
		require.NoError(t, err)
		return out
	}

	tail := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(2)})
	assert.Equal(t, []string{"two", "three"}, messages(tail), "without startFromHead the newest events come back")
	older := get(cloudwatchlogs.GetLogEventsInput{NextToken: tail.NextBackwardToken})
	assert.Equal(t, []string{"one"}, messages(older))

	head := get(cloudwatchlogs.GetLogEventsInput{StartFromHead: aws.Bool(true), Limit: aws.Int32(2)})
	assert.Equal(t, []string{"one", "two"}, messages(head))
	assert.Equal(t, ms(-3*time.Second), aws.ToInt64(head.Events[0].Timestamp))
	assert.Equal(t, epoch.UnixMilli(), aws.ToInt64(head.Events[0].IngestionTime))
	next := get(cloudwatchlogs.GetLogEventsInput{NextToken: head.NextForwardToken, Limit: aws.Int32(2)})
	assert.Equal(t, []string{"three"}, messages(next))
	end := get(cloudwatchlogs.GetLogEventsInput{NextToken: next.NextForwardToken})
	assert.Empty(t, end.Events)
	assert.Equal(t, aws.ToString(next.NextForwardToken), aws.ToString(end.NextForwardToken),
		"at the end of the stream the forward token comes back unchanged")

	clock.Advance(time.Minute)
	put(t, c, "g", "s", ev(30*time.Second, "four"))
	followed := get(cloudwatchlogs.GetLogEventsInput{NextToken: end.NextForwardToken})
	assert.Equal(t, []string{"four"}, messages(followed))
	assert.Equal(t, epoch.Add(time.Minute).UnixMilli(), aws.ToInt64(followed.Events[0].IngestionTime))

	window := get(cloudwatchlogs.GetLogEventsInput{StartFromHead: aws.Bool(true), StartTime: aws.Int64(ms(-2 * time.Second)),
		EndTime: aws.Int64(ms(-time.Second))})
	assert.Equal(t, []string{"two"}, messages(window), "startTime is inclusive and endTime exclusive")

	_, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope")})
	requireCode(t, err, "ResourceNotFoundException")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		NextToken: aws.String("garbage")})
	requireCode(t, err, "InvalidParameterException")
}

func TestPutLogEventsRules(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	ctx := context.Background()
	createGroup(t, c, "g", "s")
	createGroup(t, c, "short", "s")
	_, err := c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("short"), RetentionInDays: aws.Int32(1)})
	require.NoError(t, err)

	failures := []struct {
		name   string
		group  string
		stream string
		events []types.InputLogEvent
		code   string
	}{
		{"events out of chronological order", "g", "s", []types.InputLogEvent{ev(0, "b"), ev(-time.Second, "a")}, "InvalidParameterException"},
		{"batch spanning more than 24 hours", "g", "s", []types.InputLogEvent{ev(-25*time.Hour, "a"), ev(0, "b")}, "InvalidParameterException"},
		{"empty batch", "g", "s", []types.InputLogEvent{}, "InvalidParameterException"},
		{"empty message", "g", "s", []types.InputLogEvent{ev(0, "")}, "InvalidParameterException"},
		{"batch over 1 MiB", "g", "s", []types.InputLogEvent{ev(0, strings.Repeat("x", 600_000)), ev(0, strings.Repeat("y", 600_000))},
			"InvalidParameterException"},
		{"missing stream", "g", "nope", []types.InputLogEvent{ev(0, "a")}, "ResourceNotFoundException"},
		{"missing group", "nope", "s", []types.InputLogEvent{ev(0, "a")}, "ResourceNotFoundException"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(tt.group),
				LogStreamName: aws.String(tt.stream), LogEvents: tt.events})
			requireCode(t, err, tt.code)
		})
	}
	t.Run("rejected batches store nothing", func(t *testing.T) {
		out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
		require.NoError(t, err)
		assert.Empty(t, out.Events)
	})

	rejections := []struct {
		name         string
		group        string
		events       []types.InputLogEvent
		tooOld       *int32
		expired      *int32
		tooNew       *int32
		wantAccepted []string
	}{
		{"too old and too new events are dropped and reported", "g", []types.InputLogEvent{
			ev(-15*24*time.Hour, "old"), ev(-time.Hour, "kept"), ev(3*time.Hour, "new")},
			aws.Int32(1), nil, aws.Int32(2), []string{"kept"}},
		{"events older than the retention are expired", "short", []types.InputLogEvent{
			ev(-48*time.Hour, "expired"), ev(-time.Minute, "kept")},
			nil, aws.Int32(1), nil, []string{"kept"}},
	}
	for _, tt := range rejections {
		t.Run(tt.name, func(t *testing.T) {
			stream := strings.ReplaceAll(tt.name, " ", "-")
			_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(tt.group), LogStreamName: aws.String(stream)})
			require.NoError(t, err)
			out := put(t, c, tt.group, stream, tt.events...)
			require.NotNil(t, out.RejectedLogEventsInfo)
			assert.Equal(t, tt.tooOld, out.RejectedLogEventsInfo.TooOldLogEventEndIndex)
			assert.Equal(t, tt.expired, out.RejectedLogEventsInfo.ExpiredLogEventEndIndex)
			assert.Equal(t, tt.tooNew, out.RejectedLogEventsInfo.TooNewLogEventStartIndex)
			got, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(tt.group), LogStreamName: aws.String(stream)})
			require.NoError(t, err)
			var msgs []string
			for _, e := range got.Events {
				msgs = append(msgs, aws.ToString(e.Message))
			}
			assert.Equal(t, tt.wantAccepted, msgs)
		})
	}
}

func TestFilterLogEvents(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	ctx := context.Background()
	createGroup(t, c, "/aws/lambda/worker", "env-a", "env-b", "other")
	put(t, c, "/aws/lambda/worker", "env-a",
		ev(-5*time.Second, `{"level":"INFO","tenantId":"acme","msg":"start"}`),
		ev(-3*time.Second, `{"level":"ERROR","tenantId":"acme","msg":"Internal Server Error"}`))
	put(t, c, "/aws/lambda/worker", "env-b",
		ev(-4*time.Second, `{"level":"INFO","tenantId":"globex","msg":"start"}`),
		ev(-2*time.Second, `{"level":"INFO","tenantId":"acme","msg":"done"}`))
	put(t, c, "/aws/lambda/worker", "other", ev(-time.Second, "START RequestId: 1 Version: $LATEST"))

	tests := []struct {
		name string
		in   cloudwatchlogs.FilterLogEventsInput
		want []string // "stream@offsetSeconds"
	}{
		{"JSON equality across streams in time order", cloudwatchlogs.FilterLogEventsInput{
			FilterPattern: aws.String(`{ $.tenantId = "acme" }`)}, []string{"env-a@-5", "env-a@-3", "env-b@-2"}},
		{"stream names restrict the search", cloudwatchlogs.FilterLogEventsInput{
			FilterPattern: aws.String(`{ $.tenantId = "acme" }`), LogStreamNames: []string{"env-b"}}, []string{"env-b@-2"}},
		{"stream name prefix restricts the search", cloudwatchlogs.FilterLogEventsInput{
			LogStreamNamePrefix: aws.String("env-")}, []string{"env-a@-5", "env-b@-4", "env-a@-3", "env-b@-2"}},
		{"plain term", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("START")}, []string{"other@-1"}},
		{"quoted phrase", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`"Internal Server Error"`)}, []string{"env-a@-3"}},
		{"start and end times are inclusive", cloudwatchlogs.FilterLogEventsInput{
			StartTime: aws.Int64(ms(-4 * time.Second)), EndTime: aws.Int64(ms(-2 * time.Second))},
			[]string{"env-b@-4", "env-a@-3", "env-b@-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.LogGroupName = aws.String("/aws/lambda/worker")
			in.Limit = aws.Int32(2)
			var got []string
			ids := map[string]bool{}
			p := cloudwatchlogs.NewFilterLogEventsPaginator(c, &in)
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page.Events), 2)
				for _, e := range page.Events {
					got = append(got, fmt.Sprintf("%s@%d", aws.ToString(e.LogStreamName), (aws.ToInt64(e.Timestamp)-epoch.UnixMilli())/1000))
					assert.False(t, ids[aws.ToString(e.EventId)], "event IDs are unique")
					ids[aws.ToString(e.EventId)] = true
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}

	_, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/worker"),
		FilterPattern: aws.String(`{ $.tenantId = }`)})
	requireCode(t, err, "InvalidParameterException")
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("nope")})
	requireCode(t, err, "ResourceNotFoundException")
}

func TestDescribeLogStreams(t *testing.T) {
	t.Parallel()
	c, clock := newClient(t)
	ctx := context.Background()
	createGroup(t, c, "g", "b", "a", "c")
	put(t, c, "g", "a", ev(-time.Second, "x"))
	clock.Advance(time.Second)
	put(t, c, "g", "c", ev(-2*time.Second, "x"), ev(0, "y"))

	names := func(in cloudwatchlogs.DescribeLogStreamsInput) []string {
		in.LogGroupName = aws.String("g")
		out, err := c.DescribeLogStreams(ctx, &in)
		require.NoError(t, err)
		var n []string
		for _, s := range out.LogStreams {
			n = append(n, aws.ToString(s.LogStreamName))
		}
		return n
	}
	assert.Equal(t, []string{"a", "b", "c"}, names(cloudwatchlogs.DescribeLogStreamsInput{}))
	assert.Equal(t, []string{"c", "a", "b"}, names(cloudwatchlogs.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime,
		Descending: aws.Bool(true)}))
	assert.Equal(t, []string{"a"}, names(cloudwatchlogs.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("a")}))

	out, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: aws.String(
		"arn:aws:logs:" + region + ":" + account + ":log-group:g"), LogStreamNamePrefix: aws.String("c")})
	require.NoError(t, err)
	require.Len(t, out.LogStreams, 1)
	s := out.LogStreams[0]
	assert.Equal(t, "arn:aws:logs:"+region+":"+account+":log-group:g:log-stream:c", aws.ToString(s.Arn))
	assert.Equal(t, ms(-2*time.Second), aws.ToInt64(s.FirstEventTimestamp))
	assert.Equal(t, ms(0), aws.ToInt64(s.LastEventTimestamp))
	assert.Equal(t, epoch.Add(time.Second).UnixMilli(), aws.ToInt64(s.LastIngestionTime))

	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"),
		OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("a")})
	requireCode(t, err, "InvalidParameterException")

	_, err = c.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a")})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c"}, names(cloudwatchlogs.DescribeLogStreamsInput{}))
	g := describeOne(t, c, "g")
	assert.Equal(t, int64(2), aws.ToInt64(g.StoredBytes), "stored bytes follow the remaining events")
}
