package sqs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	localsqs "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
)

const account = "000000000000"

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// harness is an in-process localaws with only SQS, and a real SDK client for it.
type harness struct {
	t      testing.TB
	srv    *localaws.Server
	client *sqs.Client
	clock  *core.FakeClock // nil when the wall clock is used
}

// newHarness starts a server on a free port. With fake set, time only moves on clock.Advance.
func newHarness(t testing.TB, fake bool) *harness {
	t.Helper()
	h := &harness{t: t}
	cfg := localaws.Config{}
	if fake {
		h.clock = core.NewFakeClock(epoch)
		cfg.Clock = h.clock
	}
	srv, awsCfg := testserver.Start(t, cfg, localaws.Use(localsqs.New))
	h.srv = srv
	h.client = sqs.NewFromConfig(awsCfg)
	return h
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// createQueue creates a queue and returns its URL.
func (h *harness) createQueue(name string, attrs map[string]string) string {
	h.t.Helper()
	out, err := h.client.CreateQueue(h.ctx(), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	require.NoError(h.t, err)
	return aws.ToString(out.QueueUrl)
}

func (h *harness) arn(name string) string { return "arn:aws:sqs:us-east-1:" + account + ":" + name }

func (h *harness) send(url, body string, opt ...func(*sqs.SendMessageInput)) *sqs.SendMessageOutput {
	h.t.Helper()
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}
	for _, o := range opt {
		o(in)
	}
	out, err := h.client.SendMessage(h.ctx(), in)
	require.NoError(h.t, err)
	return out
}

func inGroup(group string) func(*sqs.SendMessageInput) {
	return func(in *sqs.SendMessageInput) { in.MessageGroupId = aws.String(group) }
}

// receive does a short-poll receive of up to max messages with every attribute.
func (h *harness) receive(url string, max int32) []types.Message {
	h.t.Helper()
	out, err := h.client.ReceiveMessage(h.ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
		MaxNumberOfMessages: max, MessageAttributeNames: []string{"All"},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
	require.NoError(h.t, err)
	return out.Messages
}

func (h *harness) attributes(url string, names ...types.QueueAttributeName) map[string]string {
	h.t.Helper()
	if len(names) == 0 {
		names = []types.QueueAttributeName{types.QueueAttributeNameAll}
	}
	out, err := h.client.GetQueueAttributes(h.ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: names})
	require.NoError(h.t, err)
	return out.Attributes
}

func (h *harness) advance(d time.Duration) { h.clock.Advance(d) }

func bodies(msgs []types.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = aws.ToString(m.Body)
	}
	return out
}

// requireCode asserts the error code the SDK reports, which callers branch on.
func requireCode(t testing.TB, err error, code string) {
	t.Helper()
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "want API error %s, got %v", code, err)
	require.Equal(t, code, api.ErrorCode(), "message: %s", api.ErrorMessage())
}
