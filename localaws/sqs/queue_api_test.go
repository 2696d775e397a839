package sqs_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueueURLIsBaseAccountName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("orders", nil)
	require.Equal(t, h.srv.URL()+"/"+account+"/orders", url)

	got, err := h.client.GetQueueUrl(h.ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	require.NoError(t, err)
	require.Equal(t, url, aws.ToString(got.QueueUrl))

	got, err = h.client.GetQueueUrl(h.ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders"),
		QueueOwnerAWSAccountId: aws.String(account)})
	require.NoError(t, err)
	require.Equal(t, url, aws.ToString(got.QueueUrl))

	_, err = h.client.GetQueueUrl(h.ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders"),
		QueueOwnerAWSAccountId: aws.String("111111111111")})
	requireCode(t, err, "AWS.SimpleQueueService.NonExistentQueue")

	// Any host is accepted: only the /<account>/<name> path names the queue.
	attrs := h.attributes("https://sqs.us-east-1.amazonaws.com/"+account+"/orders", types.QueueAttributeNameQueueArn)
	require.Equal(t, h.arn("orders"), attrs["QueueArn"])
}

func TestCreateQueueIsIdempotentOnlyWithEqualAttributes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("jobs", map[string]string{"VisibilityTimeout": "60"})

	again := h.createQueue("jobs", map[string]string{"VisibilityTimeout": "60"})
	require.Equal(t, url, again)
	require.Equal(t, url, h.createQueue("jobs", nil), "no attributes means nothing to disagree with")

	_, err := h.client.CreateQueue(h.ctx(), &sqs.CreateQueueInput{QueueName: aws.String("jobs"),
		Attributes: map[string]string{"VisibilityTimeout": "61"}})
	requireCode(t, err, "QueueAlreadyExists")
	var typed *types.QueueNameExists
	require.ErrorAs(t, err, &typed)
}

func TestCreateQueueValidatesNames(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	cases := []struct {
		name  string
		queue string
		fifo  bool
		ok    bool
	}{
		{"letters digits hyphens underscores", "a-B_9", false, true},
		{"80 characters", strings.Repeat("q", 80), false, true},
		{"81 characters", strings.Repeat("q", 81), false, false},
		{"dot in a standard name", "a.b", false, false},
		{"fifo suffix on a standard queue", "a.fifo", false, false},
		{"fifo queue with suffix", "a.fifo", true, true},
		{"fifo queue without suffix", "plain", true, false},
		{"fifo name of 80 characters", strings.Repeat("f", 75) + ".fifo", true, true},
		{"fifo name of 81 characters", strings.Repeat("f", 76) + ".fifo", true, false},
		{"space", "a b", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var attrs map[string]string
			if tc.fifo {
				attrs = map[string]string{"FifoQueue": "true"}
			}
			_, err := h.client.CreateQueue(h.ctx(), &sqs.CreateQueueInput{QueueName: aws.String(tc.queue),
				Attributes: attrs})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			requireCode(t, err, "InvalidParameterValue")
		})
	}
}

func TestDeleteQueueThenNameIsReservedForSixtySeconds(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("short-lived", nil)
	_, err := h.client.DeleteQueue(h.ctx(), &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)

	_, err = h.client.GetQueueAttributes(h.ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	requireCode(t, err, "AWS.SimpleQueueService.NonExistentQueue")

	_, err = h.client.CreateQueue(h.ctx(), &sqs.CreateQueueInput{QueueName: aws.String("short-lived")})
	requireCode(t, err, "AWS.SimpleQueueService.QueueDeletedRecently")

	h.advance(61 * time.Second)
	require.Equal(t, url, h.createQueue("short-lived", nil))
}

func TestNonExistentQueueErrorShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	missing := aws.String(h.srv.URL() + "/" + account + "/missing")
	calls := map[string]func() error{
		"GetQueueAttributes": func() error {
			_, err := h.client.GetQueueAttributes(h.ctx(), &sqs.GetQueueAttributesInput{QueueUrl: missing,
				AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
			return err
		},
		"GetQueueUrl": func() error {
			_, err := h.client.GetQueueUrl(h.ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
			return err
		},
		"SendMessage": func() error {
			_, err := h.client.SendMessage(h.ctx(), &sqs.SendMessageInput{QueueUrl: missing, MessageBody: aws.String("x")})
			return err
		},
		"ReceiveMessage": func() error {
			_, err := h.client.ReceiveMessage(h.ctx(), &sqs.ReceiveMessageInput{QueueUrl: missing})
			return err
		},
		"DeleteQueue": func() error {
			_, err := h.client.DeleteQueue(h.ctx(), &sqs.DeleteQueueInput{QueueUrl: missing})
			return err
		},
		"SetQueueAttributes": func() error {
			_, err := h.client.SetQueueAttributes(h.ctx(), &sqs.SetQueueAttributesInput{QueueUrl: missing,
				Attributes: map[string]string{"DelaySeconds": "1"}})
			return err
		},
		"ListQueueTags": func() error {
			_, err := h.client.ListQueueTags(h.ctx(), &sqs.ListQueueTagsInput{QueueUrl: missing})
			return err
		},
		"wrong account in the URL": func() error {
			h.createQueue("elsewhere", nil)
			_, err := h.client.GetQueueAttributes(h.ctx(), &sqs.GetQueueAttributesInput{
				QueueUrl: aws.String(h.srv.URL() + "/111111111111/elsewhere")})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			requireCode(t, err, "AWS.SimpleQueueService.NonExistentQueue")
			var typed *types.QueueDoesNotExist
			require.ErrorAs(t, err, &typed, "the __type names the modelled shape")
			var resp *awshttp.ResponseError
			require.True(t, errors.As(err, &resp))
			require.Equal(t, http.StatusBadRequest, resp.HTTPStatusCode())
			require.Equal(t, "AWS.SimpleQueueService.NonExistentQueue;Sender",
				resp.Response.Header.Get("x-amzn-query-error"))
		})
	}
}

func TestMalformedQueueURLIsInvalidAddress(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	for _, url := range []string{"orders", h.srv.URL() + "/", h.srv.URL() + "/" + account + "/orders/extra"} {
		_, err := h.client.GetQueueAttributes(h.ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url)})
		requireCode(t, err, "InvalidAddress")
	}
}

func TestQueueAttributesAreEchoedExactly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	h.createQueue("dlq", nil)
	h.createQueue("dlq.fifo", map[string]string{"FifoQueue": "true"})
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"Send","Effect":"Allow",` +
		`"Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}]}`
	cases := []struct {
		name  string
		queue string
		attrs map[string]string
		// absent lists attributes AWS does not return for this queue.
		absent []string
	}{
		{
			name:  "provider defaults of a standard queue",
			queue: "standard",
			attrs: map[string]string{"DelaySeconds": "0", "MaximumMessageSize": "262144",
				"MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "30"},
			absent: []string{"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
				"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"},
		},
		{
			name:  "every tunable at a non-default value",
			queue: "tuned",
			attrs: map[string]string{"DelaySeconds": "900", "MaximumMessageSize": "1024",
				"MessageRetentionPeriod": "1209600", "ReceiveMessageWaitTimeSeconds": "20",
				"VisibilityTimeout": "43200", "SqsManagedSseEnabled": "false"},
		},
		{
			name:  "policy and redrive policies",
			queue: "with-policies",
			attrs: map[string]string{"Policy": policy,
				"RedrivePolicy":      `{"deadLetterTargetArn":"` + h.arn("dlq") + `","maxReceiveCount":5}`,
				"RedriveAllowPolicy": `{"redrivePermission":"byQueue","sourceQueueArns":["` + h.arn("a") + `"]}`},
		},
		{
			name:   "KMS key turns SQS-managed encryption off",
			queue:  "kms",
			attrs:  map[string]string{"KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "600"},
			absent: []string{"Policy"},
		},
		{
			name:  "FIFO with high throughput",
			queue: "fast.fifo",
			attrs: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true",
				"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId",
				"RedrivePolicy": `{"deadLetterTargetArn":"` + h.arn("dlq.fifo") + `","maxReceiveCount":"3"}`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := h.createQueue(tc.queue, tc.attrs)
			got := h.attributes(url)
			for k, v := range tc.attrs {
				assert.Equal(t, v, got[k], "attribute %s", k)
			}
			for _, k := range tc.absent {
				assert.NotContains(t, got, k)
			}
			assert.Equal(t, h.arn(tc.queue), got["QueueArn"])
			for _, k := range []string{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
				"ApproximateNumberOfMessagesDelayed"} {
				assert.Equal(t, "0", got[k], k)
			}
			assert.NotEmpty(t, got["CreatedTimestamp"])
			assert.NotEmpty(t, got["LastModifiedTimestamp"])
			if tc.attrs["KmsMasterKeyId"] != "" {
				assert.Equal(t, "false", got["SqsManagedSseEnabled"])
			}
		})
	}
}

func TestQueueAttributeDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	cases := []struct {
		name  string
		queue string
		attrs map[string]string
		want  map[string]string
	}{
		{"standard", "plain", nil, map[string]string{"DelaySeconds": "0", "MaximumMessageSize": "1048576",
			"MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "30",
			"SqsManagedSseEnabled": "true"}},
		{"fifo", "plain.fifo", map[string]string{"FifoQueue": "true"}, map[string]string{"FifoQueue": "true",
			"ContentBasedDeduplication": "false", "DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue",
			"MaximumMessageSize": "1048576"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := h.attributes(h.createQueue(tc.queue, tc.attrs))
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], k)
			}
		})
	}
}

func TestGetQueueAttributesByName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("named", map[string]string{"VisibilityTimeout": "45"})
	got := h.attributes(url, types.QueueAttributeNameVisibilityTimeout, types.QueueAttributeNamePolicy)
	require.Equal(t, map[string]string{"VisibilityTimeout": "45"}, got, "unset Policy is not returned")

	_, err := h.client.GetQueueAttributes(h.ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{"NoSuchAttribute"}})
	requireCode(t, err, "InvalidAttributeName")
}

func TestSetQueueAttributesValidates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("validated", nil)
	h.createQueue("fifo-dlq.fifo", map[string]string{"FifoQueue": "true"})
	cases := []struct {
		name  string
		attrs map[string]string
		code  string
	}{
		{"visibility above 12 hours", map[string]string{"VisibilityTimeout": "43201"}, "InvalidAttributeValue"},
		{"negative delay", map[string]string{"DelaySeconds": "-1"}, "InvalidAttributeValue"},
		{"delay above 15 minutes", map[string]string{"DelaySeconds": "901"}, "InvalidAttributeValue"},
		{"message size below 1 KiB", map[string]string{"MaximumMessageSize": "1023"}, "InvalidAttributeValue"},
		{"message size above 1 MiB", map[string]string{"MaximumMessageSize": "1048577"}, "InvalidAttributeValue"},
		{"retention below a minute", map[string]string{"MessageRetentionPeriod": "59"}, "InvalidAttributeValue"},
		{"wait above 20 seconds", map[string]string{"ReceiveMessageWaitTimeSeconds": "21"}, "InvalidAttributeValue"},
		{"number that is not one", map[string]string{"VisibilityTimeout": "ten"}, "InvalidAttributeValue"},
		{"policy that is not JSON", map[string]string{"Policy": "{"}, "InvalidAttributeValue"},
		{"unknown attribute", map[string]string{"Colour": "blue"}, "InvalidAttributeName"},
		{"read-only attribute", map[string]string{"QueueArn": "arn:aws:sqs:us-east-1:000000000000:x"},
			"InvalidAttributeName"},
		{"queue type after creation", map[string]string{"FifoQueue": "true"}, "InvalidAttributeName"},
		{"FIFO attribute on a standard queue", map[string]string{"ContentBasedDeduplication": "true"},
			"InvalidAttributeName"},
		{"dead-letter queue that does not exist",
			map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + h.arn("nope") + `","maxReceiveCount":3}`},
			"InvalidParameterValue"},
		{"dead-letter queue of the other type",
			map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + h.arn("fifo-dlq.fifo") +
				`","maxReceiveCount":3}`}, "InvalidParameterValue"},
		{"maxReceiveCount of zero",
			map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + h.arn("validated") + `","maxReceiveCount":0}`},
			"InvalidParameterValue"},
		{"redrive allow policy with an unknown permission",
			map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"some"}`}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.client.SetQueueAttributes(h.ctx(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url),
				Attributes: tc.attrs})
			requireCode(t, err, tc.code)
		})
	}
	require.Equal(t, "30", h.attributes(url)["VisibilityTimeout"], "failed calls change nothing")
}

func TestSetQueueAttributesUpdatesAndClears(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("updatable", nil)
	h.createQueue("updatable-dlq", nil)
	created := h.attributes(url)["CreatedTimestamp"]
	h.advance(10 * time.Second)

	policy := `{"Version":"2012-10-17","Statement":[]}`
	redrive := `{"deadLetterTargetArn":"` + h.arn("updatable-dlq") + `","maxReceiveCount":4}`
	_, err := h.client.SetQueueAttributes(h.ctx(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"Policy": policy, "RedrivePolicy": redrive, "VisibilityTimeout": "5"}})
	require.NoError(t, err)
	got := h.attributes(url)
	require.Equal(t, policy, got["Policy"])
	require.Equal(t, redrive, got["RedrivePolicy"])
	require.Equal(t, "5", got["VisibilityTimeout"])
	require.Equal(t, created, got["CreatedTimestamp"])
	require.NotEqual(t, created, got["LastModifiedTimestamp"])

	// The provider deletes aws_sqs_queue_policy and redrive policies by setting "".
	_, err = h.client.SetQueueAttributes(h.ctx(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"Policy": "", "RedrivePolicy": ""}})
	require.NoError(t, err)
	got = h.attributes(url)
	require.NotContains(t, got, "Policy")
	require.NotContains(t, got, "RedrivePolicy")
}

func TestTags(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	out, err := h.client.CreateQueue(h.ctx(), &sqs.CreateQueueInput{QueueName: aws.String("tagged"),
		Tags: map[string]string{"team": "a", "env": "dev"}})
	require.NoError(t, err)
	url := out.QueueUrl

	_, err = h.client.TagQueue(h.ctx(), &sqs.TagQueueInput{QueueUrl: url, Tags: map[string]string{"env": "prod",
		"cost": "42"}})
	require.NoError(t, err)
	_, err = h.client.UntagQueue(h.ctx(), &sqs.UntagQueueInput{QueueUrl: url, TagKeys: []string{"team", "absent"}})
	require.NoError(t, err)

	tags, err := h.client.ListQueueTags(h.ctx(), &sqs.ListQueueTagsInput{QueueUrl: url})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"env": "prod", "cost": "42"}, tags.Tags)

	many := map[string]string{}
	for i := range 51 {
		many[strings.Repeat("k", i+1)] = "v"
	}
	_, err = h.client.TagQueue(h.ctx(), &sqs.TagQueueInput{QueueUrl: url, Tags: many})
	requireCode(t, err, "InvalidParameterValue")
}

func TestListQueues(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	for _, n := range []string{"app-b", "app-a", "app-c", "other"} {
		h.createQueue(n, nil)
	}
	all, err := h.client.ListQueues(h.ctx(), &sqs.ListQueuesInput{QueueNamePrefix: aws.String("app-")})
	require.NoError(t, err)
	require.Len(t, all.QueueUrls, 3)
	require.Nil(t, all.NextToken, "no token without MaxResults")

	var pages [][]string
	p := sqs.NewListQueuesPaginator(h.client, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("app-"),
		MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(h.ctx())
		require.NoError(t, err)
		pages = append(pages, page.QueueUrls)
	}
	require.Equal(t, [][]string{
		{h.srv.URL() + "/" + account + "/app-a", h.srv.URL() + "/" + account + "/app-b"},
		{h.srv.URL() + "/" + account + "/app-c"},
	}, pages)
}

func TestPurgeQueueOncePerMinute(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("purged", nil)
	for _, b := range []string{"1", "2", "3"} {
		h.send(url, b)
	}
	h.receive(url, 1) // in flight messages go too
	_, err := h.client.PurgeQueue(h.ctx(), &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)
	got := h.attributes(url)
	require.Equal(t, "0", got["ApproximateNumberOfMessages"])
	require.Equal(t, "0", got["ApproximateNumberOfMessagesNotVisible"])

	_, err = h.client.PurgeQueue(h.ctx(), &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	requireCode(t, err, "AWS.SimpleQueueService.PurgeQueueInProgress")

	h.advance(60 * time.Second)
	_, err = h.client.PurgeQueue(h.ctx(), &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)
}
