package shape_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

func TestResourceIn(t *testing.T) {
	tests := []struct {
		name, arn, service, region string
		want                       string
		ok                         bool
	}{
		{"a resource of this account and region", "arn:aws:logs:us-east-1:000000000000:log-group:g:*", "logs",
			"us-east-1", "log-group:g:*", true},
		{"a global service has no region", "arn:aws:iam::000000000000:role/r", "iam", "", "role/r", true},
		{"another region is not ours", "arn:aws:logs:eu-west-1:000000000000:log-group:g", "logs", "us-east-1", "", false},
		{"another account is not ours", "arn:aws:logs:us-east-1:111111111111:log-group:g", "logs", "us-east-1", "", false},
		{"another service is not ours", "arn:aws:sqs:us-east-1:000000000000:q", "logs", "us-east-1", "", false},
		{"a name is not an ARN", "log-group:g", "logs", "us-east-1", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := shape.ResourceIn(tc.arn, tc.service, tc.region, "000000000000")
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseQueueARN(t *testing.T) {
	tests := []struct {
		name string
		arn  string
		want shape.Queue // zero for an error
	}{
		{"a standard queue", "arn:aws:sqs:us-east-1:000000000000:orders",
			shape.Queue{Partition: "aws", Region: "us-east-1", Account: "000000000000", Name: "orders"}},
		{"a FIFO queue", "arn:aws:sqs:eu-west-1:123456789012:orders.fifo",
			shape.Queue{Partition: "aws", Region: "eu-west-1", Account: "123456789012", Name: "orders.fifo"}},
		{"another partition", "arn:aws-cn:sqs:cn-north-1:123456789012:q",
			shape.Queue{Partition: "aws-cn", Region: "cn-north-1", Account: "123456789012", Name: "q"}},
		{"a topic is not a queue", "arn:aws:sns:us-east-1:000000000000:t", shape.Queue{}},
		{"a function is not a queue", "arn:aws:lambda:us-east-1:000000000000:function:f", shape.Queue{}},
		{"a queue ARN needs a name", "arn:aws:sqs:us-east-1:000000000000:", shape.Queue{}},
		{"a queue ARN needs a region", "arn:aws:sqs::000000000000:q", shape.Queue{}},
		{"a queue ARN needs a 12-digit account", "arn:aws:sqs:us-east-1:0:q", shape.Queue{}},
		{"a queue name has at most 80 characters", "arn:aws:sqs:us-east-1:000000000000:" +
			"q123456789q123456789q123456789q123456789q123456789q123456789q123456789q123456789x", shape.Queue{}},
		{"a queue name has no slash", "arn:aws:sqs:us-east-1:000000000000:a/b", shape.Queue{}},
		{"a URL is not an ARN", "http://localhost/000000000000/q", shape.Queue{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := shape.ParseQueueARN(tc.arn)
			if tc.want == (shape.Queue{}) {
				assert.ErrorContains(t, err, "is not an SQS queue ARN")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.arn, got.ARN(), "the ARN round-trips")
		})
	}
}

func TestQueueURLRoundTrip(t *testing.T) {
	q := shape.Queue{Partition: "aws", Region: "us-east-1", Account: "000000000000", Name: "jobs.fifo"}
	url := q.URL("http://127.0.0.1:4566/")
	assert.Equal(t, "http://127.0.0.1:4566/000000000000/jobs.fifo", url)
	assert.True(t, q.FIFO())
	account, name, ok := shape.ParseQueueURL(url)
	require.True(t, ok)
	assert.Equal(t, [2]string{q.Account, q.Name}, [2]string{account, name})

	for _, bad := range []string{"http://h/000000000000", "http://h/a/b/c", "http://h/", "%zz"} {
		_, _, ok := shape.ParseQueueURL(bad)
		assert.False(t, ok, bad)
	}
	account, name, ok = shape.ParseQueueURL("https://sqs.us-east-1.amazonaws.com/123456789012/q")
	assert.True(t, ok, "any host serves the path")
	assert.Equal(t, [2]string{"123456789012", "q"}, [2]string{account, name})
}
