package esm

import (
	"errors"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// QueueURL is the URL of a queue ARN at this server (base), as shape.Queue builds it.
// It asks SQS nothing: Lambda reads a queue with sqs:ReceiveMessage, sqs:DeleteMessage
// and sqs:GetQueueAttributes and sends to a destination with sqs:SendMessage, so an
// execution role needs no sqs:GetQueueUrl.
func QueueURL(base, arn string) (string, error) {
	q, err := shape.ParseQueueARN(arn)
	if err != nil {
		return "", err
	}
	return q.URL(base), nil
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
