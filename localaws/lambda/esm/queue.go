package esm

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// QueueURL resolves a queue ARN to its URL the way a client in any account does:
// GetQueueUrl with the name and owner account, so the URL format stays SQS's business.
func QueueURL(ctx context.Context, client interface {
	GetQueueUrl(context.Context, *sqs.GetQueueUrlInput, ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
}, arn string) (string, error) {
	q, err := shape.ParseQueueARN(arn)
	if err != nil {
		return "", err
	}
	out, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(q.Name),
		QueueOwnerAWSAccountId: aws.String(q.Account)})
	if err != nil {
		return "", fmt.Errorf("resolve queue %s: %w", arn, err)
	}
	return aws.ToString(out.QueueUrl), nil
}

// IsThrottle reports whether an invoke failed with Lambda's TooManyRequestsException,
// whether it came from the control plane directly or through an SDK client.
func IsThrottle(err error) bool {
	return errorCode(err) == "TooManyRequestsException" || errorStatus(err) == http.StatusTooManyRequests
}

// IsServerError reports a 5xx invoke failure: Lambda retries those like throttles.
func IsServerError(err error) bool { return errorStatus(err) >= 500 }

func errorCode(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorStatus is the HTTP status of err, or 0 when it has none.
func errorStatus(err error) int {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Status()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
