package lambda_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventSourceMappingLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("router")
	created, err := h.client.CreateEventSourceMapping(h.ctx(), &lambda.CreateEventSourceMappingInput{
		EventSourceArn: aws.String(queue), FunctionName: aws.String("router"),
		FunctionResponseTypes: []types.FunctionResponseType{types.FunctionResponseTypeReportBatchItemFailures},
		ScalingConfig:         &types.ScalingConfig{MaximumConcurrency: aws.Int32(2)},
		FilterCriteria:        &types.FilterCriteria{Filters: []types.Filter{{Pattern: aws.String(`{"body":{"kind":["a"]}}`)}}},
		Tags:                  map[string]string{"team": "a"},
	})
	require.NoError(t, err)
	id := aws.ToString(created.UUID)
	assert.Equal(t, "Creating", aws.ToString(created.State))
	assert.Equal(t, "arn:aws:lambda:us-east-1:"+account+":event-source-mapping:"+id, aws.ToString(created.EventSourceMappingArn))
	assert.Equal(t, h.arn("router"), aws.ToString(created.FunctionArn), "a name resolves to the function ARN")
	assert.EqualValues(t, 10, aws.ToInt32(created.BatchSize), "SQS default batch size")
	assert.EqualValues(t, 0, aws.ToInt32(created.MaximumBatchingWindowInSeconds))
	assert.EqualValues(t, 2, aws.ToInt32(created.ScalingConfig.MaximumConcurrency))
	assert.Equal(t, `{"body":{"kind":["a"]}}`, aws.ToString(created.FilterCriteria.Filters[0].Pattern))
	assert.NotNil(t, created.LastModified)

	get := func() *lambda.GetEventSourceMappingOutput {
		t.Helper()
		out, err := h.client.GetEventSourceMapping(h.ctx(), &lambda.GetEventSourceMappingInput{UUID: aws.String(id)})
		require.NoError(t, err)
		return out
	}
	assert.Equal(t, "Enabled", aws.ToString(get().State), "Creating settles on the next read")

	tags, err := h.client.ListTags(h.ctx(), &lambda.ListTagsInput{Resource: created.EventSourceMappingArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "a"}, tags.Tags)

	updated, err := h.client.UpdateEventSourceMapping(h.ctx(), &lambda.UpdateEventSourceMappingInput{
		UUID: aws.String(id), Enabled: aws.Bool(false), BatchSize: aws.Int32(100), MaximumBatchingWindowInSeconds: aws.Int32(5),
		FunctionResponseTypes: []types.FunctionResponseType{},
	})
	require.NoError(t, err)
	assert.Equal(t, "Updating", aws.ToString(updated.State))
	got := get()
	assert.Equal(t, "Disabled", aws.ToString(got.State))
	assert.EqualValues(t, 100, aws.ToInt32(got.BatchSize))
	assert.Empty(t, got.FunctionResponseTypes, "an empty list clears the response types")
	assert.EqualValues(t, 2, aws.ToInt32(got.ScalingConfig.MaximumConcurrency), "an update keeps what it does not name")

	for _, in := range []*lambda.ListEventSourceMappingsInput{
		{FunctionName: aws.String("router")}, {FunctionName: aws.String(h.arn("router"))}, {EventSourceArn: aws.String(queue)}, {},
	} {
		list, err := h.client.ListEventSourceMappings(h.ctx(), in)
		require.NoError(t, err)
		require.Len(t, list.EventSourceMappings, 1)
		assert.Equal(t, id, aws.ToString(list.EventSourceMappings[0].UUID))
	}
	none, err := h.client.ListEventSourceMappings(h.ctx(), &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("other")})
	require.NoError(t, err)
	assert.Empty(t, none.EventSourceMappings)

	deleted, err := h.client.DeleteEventSourceMapping(h.ctx(), &lambda.DeleteEventSourceMappingInput{UUID: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, "Deleting", aws.ToString(deleted.State))
	_, err = h.client.GetEventSourceMapping(h.ctx(), &lambda.GetEventSourceMappingInput{UUID: aws.String(id)})
	requireNotFound(t, err)
	_, err = h.client.DeleteEventSourceMapping(h.ctx(), &lambda.DeleteEventSourceMappingInput{UUID: aws.String(id)})
	requireNotFound(t, err)
}

func TestCreateEventSourceMappingRejects(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("router")
	h.create("isolated", perTenant)
	_, err := h.client.CreateEventSourceMapping(h.ctx(), &lambda.CreateEventSourceMappingInput{
		EventSourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:taken"), FunctionName: aws.String("router")})
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		in     lambda.CreateEventSourceMappingInput
		code   string
		status int
	}{
		{"a tenant-isolated function", lambda.CreateEventSourceMappingInput{FunctionName: aws.String("isolated")},
			"InvalidParameterValueException", 400},
		{"a tenant-isolated function by ARN", lambda.CreateEventSourceMappingInput{FunctionName: aws.String(h.arn("isolated"))},
			"InvalidParameterValueException", 400},
		{"a source that is not an SQS queue", lambda.CreateEventSourceMappingInput{
			EventSourceArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s")}, "InvalidParameterValueException", 400},
		{"a batch above 10 without a batching window", lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(11)},
			"InvalidParameterValueException", 400},
		{"a batch above 10000", lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(10001), MaximumBatchingWindowInSeconds: aws.Int32(1)},
			"ValidationException", 400},
		{"a batching window above 300 s", lambda.CreateEventSourceMappingInput{MaximumBatchingWindowInSeconds: aws.Int32(301)},
			"ValidationException", 400},
		{"a maximum concurrency of 1", lambda.CreateEventSourceMappingInput{ScalingConfig: &types.ScalingConfig{MaximumConcurrency: aws.Int32(1)}},
			"ValidationException", 400},
		{"a FIFO batch above 10", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(queue + ".fifo"),
			BatchSize: aws.Int32(20), MaximumBatchingWindowInSeconds: aws.Int32(1)}, "InvalidParameterValueException", 400},
		{"a stream-only parameter", lambda.CreateEventSourceMappingInput{StartingPosition: types.EventSourcePositionLatest},
			"InvalidParameterValueException", 400},
		{"a function that does not exist", lambda.CreateEventSourceMappingInput{FunctionName: aws.String("missing")},
			"ResourceNotFoundException", 404},
		{"a second mapping of the same queue and function", lambda.CreateEventSourceMappingInput{
			EventSourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:taken")}, "ResourceConflictException", 409},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.EventSourceArn == nil {
				in.EventSourceArn = aws.String(queue)
			}
			if in.FunctionName == nil {
				in.FunctionName = aws.String("router")
			}
			_, err := h.client.CreateEventSourceMapping(h.ctx(), &in)
			requireCode(t, err, tc.code, tc.status)
		})
	}

	t.Run("the tenancy refusal says why", func(t *testing.T) {
		_, err := h.client.CreateEventSourceMapping(h.ctx(), &lambda.CreateEventSourceMappingInput{
			EventSourceArn: aws.String(queue), FunctionName: aws.String("isolated")})
		var ipv *types.InvalidParameterValueException
		require.ErrorAs(t, err, &ipv)
		assert.Contains(t, aws.ToString(ipv.Message), "tenancy configuration")
	})

	list, err := h.client.ListEventSourceMappings(h.ctx(), &lambda.ListEventSourceMappingsInput{})
	require.NoError(t, err)
	assert.Len(t, list.EventSourceMappings, 1, "refused requests create nothing")
}

func TestUpdateEventSourceMappingCannotTargetAnIsolatedFunction(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("router")
	h.create("isolated", perTenant)
	created, err := h.client.CreateEventSourceMapping(h.ctx(), &lambda.CreateEventSourceMappingInput{
		EventSourceArn: aws.String(queue), FunctionName: aws.String("router"), Enabled: aws.Bool(false)})
	require.NoError(t, err)
	_, err = h.client.UpdateEventSourceMapping(h.ctx(), &lambda.UpdateEventSourceMappingInput{
		UUID: created.UUID, FunctionName: aws.String("isolated")})
	requireCode(t, err, "InvalidParameterValueException", 400)
	got, err := h.client.GetEventSourceMapping(h.ctx(), &lambda.GetEventSourceMappingInput{UUID: created.UUID})
	require.NoError(t, err)
	assert.Equal(t, h.arn("router"), aws.ToString(got.FunctionArn))
	assert.Equal(t, "Disabled", aws.ToString(got.State))
}
