package eventbridge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventBusLifecycle(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	ctx := context.Background()

	def, err := h.events.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{})
	require.NoError(t, err)
	assert.Equal(t, "default", aws.ToString(def.Name))
	assert.Equal(t, "arn:aws:events:us-east-1:"+account+":event-bus/default", aws.ToString(def.Arn))

	created, err := h.events.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{
		Name: aws.String("orders"), Description: aws.String("order events"),
		KmsKeyIdentifier: aws.String("alias/orders"),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String("arn:aws:sqs:us-east-1:" + account + ":bus-dlq")},
		Tags:             []ebtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	})
	require.NoError(t, err)
	busARN := "arn:aws:events:us-east-1:" + account + ":event-bus/orders"
	assert.Equal(t, busARN, aws.ToString(created.EventBusArn))
	assert.Equal(t, "order events", aws.ToString(created.Description))
	assert.Equal(t, "alias/orders", aws.ToString(created.KmsKeyIdentifier))

	got, err := h.events.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(busARN)})
	require.NoError(t, err, "a bus can be named by its ARN")
	assert.Equal(t, "orders", aws.ToString(got.Name))
	assert.Equal(t, "order events", aws.ToString(got.Description))
	assert.Equal(t, "alias/orders", aws.ToString(got.KmsKeyIdentifier))
	assert.Equal(t, "arn:aws:sqs:us-east-1:"+account+":bus-dlq", aws.ToString(got.DeadLetterConfig.Arn))
	require.NotNil(t, got.CreationTime)
	assert.False(t, got.CreationTime.IsZero())

	_, err = h.events.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	var exists *ebtypes.ResourceAlreadyExistsException
	assert.True(t, errors.As(err, &exists), "duplicate bus: %v", err)

	tags, err := h.events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(busARN)})
	require.NoError(t, err)
	require.Len(t, tags.Tags, 1)
	assert.Equal(t, "team", aws.ToString(tags.Tags[0].Key))

	_, err = h.events.UpdateEventBus(ctx, &eventbridge.UpdateEventBusInput{Name: aws.String("orders"),
		Description: aws.String("")})
	require.NoError(t, err)
	got, err = h.events.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")})
	require.NoError(t, err)
	assert.Nil(t, got.Description, "an empty description clears it")
	assert.Equal(t, "alias/orders", aws.ToString(got.KmsKeyIdentifier), "members left out are kept")

	_, err = h.events.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("other")})
	require.NoError(t, err)
	list, err := h.events.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{Limit: aws.Int32(2)})
	require.NoError(t, err)
	require.Len(t, list.EventBuses, 2)
	assert.Equal(t, "default", aws.ToString(list.EventBuses[0].Name))
	assert.Equal(t, "orders", aws.ToString(list.EventBuses[1].Name))
	require.NotNil(t, list.NextToken)
	list, err = h.events.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NextToken: list.NextToken})
	require.NoError(t, err)
	require.Len(t, list.EventBuses, 1)
	assert.Equal(t, "other", aws.ToString(list.EventBuses[0].Name))
	assert.Nil(t, list.NextToken)
	list, err = h.events.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NamePrefix: aws.String("ord")})
	require.NoError(t, err)
	require.Len(t, list.EventBuses, 1)

	_, err = h.events.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("orders")})
	require.NoError(t, err)
	_, err = h.events.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")})
	var notFound *ebtypes.ResourceNotFoundException
	require.True(t, errors.As(err, &notFound), "deleted bus: %v", err)
	assert.Equal(t, "Event bus orders does not exist.", notFound.ErrorMessage())
	_, err = h.events.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("orders")})
	assert.NoError(t, err, "deleting a deleted bus succeeds")
	_, err = h.events.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("default")})
	assert.Equal(t, "ValidationException", apiCode(t, err))
}

func TestCreateEventBusRejectsBadNames(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	for name, bad := range map[string]string{
		"a slash":             "team/orders",
		"a space":             "my bus",
		"an existing default": "default",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := h.events.CreateEventBus(context.Background(), &eventbridge.CreateEventBusInput{Name: aws.String(bad)})
			code := apiCode(t, err)
			assert.Contains(t, []string{"ValidationException", "ResourceAlreadyExistsException"}, code)
		})
	}
}

func TestRuleLifecycle(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	ctx := context.Background()
	_, err := h.events.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	require.NoError(t, err)

	put, err := h.events.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r1"),
		EventPattern: aws.String(`{"source":["app.orders"]}`), Description: aws.String("d"),
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/events"),
		Tags:    []ebtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:events:us-east-1:"+account+":rule/r1", aws.ToString(put.RuleArn))

	onBus, err := h.events.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r1"),
		EventBusName: aws.String("orders"), EventPattern: aws.String(`{"source":["x"]}`), State: ebtypes.RuleStateDisabled})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:events:us-east-1:"+account+":rule/orders/r1", aws.ToString(onBus.RuleArn))

	got, err := h.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r1")})
	require.NoError(t, err)
	assert.Equal(t, `{"source":["app.orders"]}`, aws.ToString(got.EventPattern))
	assert.Equal(t, ebtypes.RuleStateEnabled, got.State)
	assert.Equal(t, "d", aws.ToString(got.Description))
	assert.Equal(t, "arn:aws:iam::"+account+":role/events", aws.ToString(got.RoleArn))
	assert.Equal(t, "default", aws.ToString(got.EventBusName))

	got, err = h.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r1"),
		EventBusName: aws.String("arn:aws:events:us-east-1:" + account + ":event-bus/orders")})
	require.NoError(t, err)
	assert.Equal(t, ebtypes.RuleStateDisabled, got.State)
	assert.Equal(t, "orders", aws.ToString(got.EventBusName))

	_, err = h.events.EnableRule(ctx, &eventbridge.EnableRuleInput{Name: aws.String("r1"), EventBusName: aws.String("orders")})
	require.NoError(t, err)
	got, err = h.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r1"), EventBusName: aws.String("orders")})
	require.NoError(t, err)
	assert.Equal(t, ebtypes.RuleStateEnabled, got.State)
	_, err = h.events.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("r1")})
	require.NoError(t, err)

	sched, err := h.events.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("tick"),
		ScheduleExpression: aws.String("rate(5 minutes)")})
	require.NoError(t, err)
	assert.NotEmpty(t, aws.ToString(sched.RuleArn))

	rules, err := h.events.ListRules(ctx, &eventbridge.ListRulesInput{Limit: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, rules.Rules, 1)
	assert.Equal(t, "r1", aws.ToString(rules.Rules[0].Name))
	assert.Equal(t, ebtypes.RuleStateDisabled, rules.Rules[0].State)
	rules, err = h.events.ListRules(ctx, &eventbridge.ListRulesInput{NextToken: rules.NextToken})
	require.NoError(t, err)
	require.Len(t, rules.Rules, 1)
	assert.Equal(t, "rate(5 minutes)", aws.ToString(rules.Rules[0].ScheduleExpression))

	tags, err := h.events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: put.RuleArn})
	require.NoError(t, err)
	require.Len(t, tags.Tags, 1)
	_, err = h.events.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: onBus.RuleArn,
		Tags: []ebtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}})
	require.NoError(t, err)
	_, err = h.events.UntagResource(ctx, &eventbridge.UntagResourceInput{ResourceARN: onBus.RuleArn, TagKeys: []string{"a"}})
	require.NoError(t, err)
	tags, err = h.events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: onBus.RuleArn})
	require.NoError(t, err)
	require.Len(t, tags.Tags, 1)
	assert.Equal(t, "b", aws.ToString(tags.Tags[0].Key))

	_, err = h.events.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("r1")})
	require.NoError(t, err)
	_, err = h.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r1")})
	var notFound *ebtypes.ResourceNotFoundException
	require.True(t, errors.As(err, &notFound), "deleted rule: %v", err)
	assert.Equal(t, "Rule r1 does not exist on EventBus default.", notFound.ErrorMessage())
	_, err = h.events.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("r1")})
	assert.NoError(t, err, "deleting a deleted rule succeeds")
	_, err = h.events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: put.RuleArn})
	assert.Equal(t, "ResourceNotFoundException", apiCode(t, err))
}

func TestPutRuleRejectsInvalidInput(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	_, err := h.events.CreateEventBus(context.Background(), &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	require.NoError(t, err)
	tests := []struct {
		name    string
		in      eventbridge.PutRuleInput
		code    string
		message string
	}{
		{"pattern that is not JSON", eventbridge.PutRuleInput{EventPattern: aws.String(`{"source":`)},
			"InvalidEventPatternException", "Event pattern is not valid."},
		{"consecutive wildcards", eventbridge.PutRuleInput{EventPattern: aws.String(`{"source":[{"wildcard":"a**"}]}`)},
			"InvalidEventPatternException", "Consecutive wildcard characters"},
		{"empty pattern", eventbridge.PutRuleInput{EventPattern: aws.String(`{}`)},
			"InvalidEventPatternException", "Empty objects are not allowed"},
		{"neither pattern nor schedule", eventbridge.PutRuleInput{},
			"ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified."},
		{"schedule on a custom bus", eventbridge.PutRuleInput{ScheduleExpression: aws.String("rate(1 minute)"),
			EventBusName: aws.String("orders")},
			"ValidationException", "ScheduleExpression is supported only on the default event bus."},
		{"bad schedule", eventbridge.PutRuleInput{ScheduleExpression: aws.String("rate(1 minutes)")},
			"ValidationException", "Parameter ScheduleExpression is not valid."},
		{"bus that does not exist", eventbridge.PutRuleInput{EventPattern: aws.String(`{"source":["a"]}`),
			EventBusName: aws.String("nope")}, "ResourceNotFoundException", "Event bus nope does not exist."},
		{"pattern too long", eventbridge.PutRuleInput{EventPattern: aws.String(`{"source":["` +
			strings.Repeat("a", 4100) + `"]}`)}, "ValidationException", "length less than or equal to 4096"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Name = aws.String("r")
			_, err := h.events.PutRule(context.Background(), &in)
			assert.Equal(t, tc.code, apiCode(t, err))
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestTargetsLifecycle(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	ctx := context.Background()
	h.rule(t, "r", `{"source":["a"]}`)
	queueARN := "arn:aws:sqs:us-east-1:" + account + ":q"
	dlqARN := "arn:aws:sqs:us-east-1:" + account + ":dlq"
	res, err := h.events.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: []ebtypes.Target{{
		Id: aws.String("t1"), Arn: aws.String(queueARN), InputPath: aws.String("$.detail"),
		RetryPolicy:      &ebtypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(3), MaximumEventAgeInSeconds: aws.Int32(120)},
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqARN)},
	}, {
		Id: aws.String("t2"), Arn: aws.String("arn:aws:sqs:us-east-1:" + account + ":q.fifo"),
		SqsParameters: &ebtypes.SqsParameters{MessageGroupId: aws.String("g")}, Input: aws.String(`{"fixed":true}`),
	}}})
	require.NoError(t, err)
	assert.Zero(t, res.FailedEntryCount)

	list, err := h.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r"), Limit: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, list.Targets, 1)
	t1 := list.Targets[0]
	assert.Equal(t, "t1", aws.ToString(t1.Id))
	assert.Equal(t, queueARN, aws.ToString(t1.Arn))
	assert.Equal(t, "$.detail", aws.ToString(t1.InputPath))
	assert.Equal(t, int32(3), aws.ToInt32(t1.RetryPolicy.MaximumRetryAttempts))
	assert.Equal(t, int32(120), aws.ToInt32(t1.RetryPolicy.MaximumEventAgeInSeconds))
	assert.Equal(t, dlqARN, aws.ToString(t1.DeadLetterConfig.Arn))
	require.NotNil(t, list.NextToken)
	list, err = h.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r"), NextToken: list.NextToken})
	require.NoError(t, err)
	require.Len(t, list.Targets, 1)
	assert.Equal(t, "g", aws.ToString(list.Targets[0].SqsParameters.MessageGroupId))
	assert.Equal(t, `{"fixed":true}`, aws.ToString(list.Targets[0].Input))
	assert.Nil(t, list.NextToken)

	names, err := h.events.ListRuleNamesByTarget(ctx, &eventbridge.ListRuleNamesByTargetInput{TargetArn: aws.String(queueARN)})
	require.NoError(t, err)
	assert.Equal(t, []string{"r"}, names.RuleNames)

	// The same Id replaces the target.
	_, err = h.events.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: []ebtypes.Target{
		{Id: aws.String("t1"), Arn: aws.String(queueARN)}}})
	require.NoError(t, err)
	list, err = h.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r")})
	require.NoError(t, err)
	require.Len(t, list.Targets, 2)
	assert.Nil(t, list.Targets[0].InputPath)

	_, err = h.events.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("r")})
	assert.Equal(t, "ValidationException", apiCode(t, err))
	assert.Contains(t, err.Error(), "Rule can't be deleted since it has targets.")

	removed, err := h.events.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("r"), Ids: []string{"t1", "t2", "nope"}})
	require.NoError(t, err)
	assert.Equal(t, int32(1), removed.FailedEntryCount)
	require.Len(t, removed.FailedEntries, 1)
	assert.Equal(t, "nope", aws.ToString(removed.FailedEntries[0].TargetId))
	_, err = h.events.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("r")})
	require.NoError(t, err)

	_, err = h.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r")})
	assert.Equal(t, "ResourceNotFoundException", apiCode(t, err))
}

func TestPutTargetsRejectsInvalidTargets(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	h.rule(t, "r", `{"source":["a"]}`)
	q := "arn:aws:sqs:us-east-1:" + account + ":q"
	tests := []struct {
		name    string
		target  ebtypes.Target
		code    string
		message string
	}{
		{"FIFO queue without SqsParameters", ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q + ".fifo")},
			"ValidationException", "Parameter(s) SqsParameters must be specified for target: t."},
		{"bad target id", ebtypes.Target{Id: aws.String("a b"), Arn: aws.String(q)},
			"ValidationException", "targets.1.member.id"},
		{"not an ARN", ebtypes.Target{Id: aws.String("t"), Arn: aws.String("queue")},
			"ValidationException", "Provided Arn is not in correct format."},
		{"Input and InputPath together", ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q),
			Input: aws.String(`{}`), InputPath: aws.String("$.detail")}, "ValidationException", "Only one of Input"},
		{"Input that is not JSON", ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q), Input: aws.String(`{`)},
			"ValidationException", "Parameter Input is not valid."},
		{"too many retries", ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q),
			RetryPolicy: &ebtypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(186)}}, "ValidationException", "maximumRetryAttempts"},
		{"event age too short", ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q),
			RetryPolicy: &ebtypes.RetryPolicy{MaximumEventAgeInSeconds: aws.Int32(59)}}, "ValidationException", "maximumEventAgeInSeconds"},
		{"dead-letter queue that is not a queue", ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q),
			DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String("arn:aws:sns:us-east-1:" + account + ":topic")}},
			"ValidationException", "DeadLetterConfig.Arn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.events.PutTargets(context.Background(), &eventbridge.PutTargetsInput{Rule: aws.String("r"),
				Targets: []ebtypes.Target{tc.target}})
			assert.Equal(t, tc.code, apiCode(t, err))
			assert.Contains(t, err.Error(), tc.message)
		})
	}
	t.Run("more than five targets", func(t *testing.T) {
		var targets []ebtypes.Target
		for i := range 6 {
			targets = append(targets, ebtypes.Target{Id: aws.String(fmt.Sprintf("t%d", i)), Arn: aws.String(q)})
		}
		_, err := h.events.PutTargets(context.Background(), &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: targets})
		assert.Equal(t, "LimitExceededException", apiCode(t, err))
	})
	t.Run("rule that does not exist", func(t *testing.T) {
		_, err := h.events.PutTargets(context.Background(), &eventbridge.PutTargetsInput{Rule: aws.String("nope"),
			Targets: []ebtypes.Target{{Id: aws.String("t"), Arn: aws.String(q)}}})
		assert.Equal(t, "ResourceNotFoundException", apiCode(t, err))
	})
}

func TestTestEventPattern(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	event := `{"id":"1","account":"` + account + `","source":"app.orders","time":"2026-01-02T03:04:05Z",` +
		`"region":"us-east-1","resources":[],"detail-type":"OrderPlaced","detail":{"tenantId":"t-1","total":12.5}}`
	tests := []struct {
		name    string
		pattern string
		event   string
		want    bool
		code    string
	}{
		{"matching pattern", `{"detail":{"tenantId":[{"prefix":"t-"}],"total":[{"numeric":[">",10]}]}}`, event, true, ""},
		{"pattern that does not match", `{"detail":{"tenantId":["t-2"]}}`, event, false, ""},
		{"invalid pattern", `{"detail":{"tenantId":[{"wildcard":"**"}]}}`, event, false, "InvalidEventPatternException"},
		{"event without its envelope", `{"source":["x"]}`, `{"source":"x"}`, false, "ValidationException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := h.events.TestEventPattern(context.Background(), &eventbridge.TestEventPatternInput{
				EventPattern: aws.String(tc.pattern), Event: aws.String(tc.event)})
			if tc.code != "" {
				assert.Equal(t, tc.code, apiCode(t, err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, out.Result)
		})
	}
}
