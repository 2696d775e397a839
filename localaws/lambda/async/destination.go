package async

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/esm"
)

// destinations delivers invocation records through real SDK clients against this
// server, as Lambda does with the function's execution role.
type destinations struct {
	env    *core.Env
	once   sync.Once
	sqs    *sqs.Client
	lambda *lambda.Client
}

func (d *destinations) clients() {
	d.once.Do(func() {
		cfg := d.env.DeliveryAWSConfig() // nobody can retry a record lost here
		d.sqs, d.lambda = sqs.NewFromConfig(cfg), lambda.NewFromConfig(cfg)
	})
}

// send delivers rec to an SQS queue (the record is the message body) or a Lambda
// function (the record is the payload of an asynchronous invoke), signed with creds
// when given (the function's execution role).
func (d *destinations) send(ctx context.Context, arn string, rec Record, creds aws.CredentialsProvider) error {
	body, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	d.clients()
	sqsClient, lambdaClient := d.sqs, d.lambda
	if creds != nil {
		cfg := d.env.DeliveryAWSConfigAs(creds) // nobody can retry a record lost here
		sqsClient, lambdaClient = sqs.NewFromConfig(cfg), lambda.NewFromConfig(cfg)
	}
	switch service(arn) {
	case "sqs":
		url, err := esm.QueueURL(d.env.BaseURL(), arn)
		if err != nil {
			return err
		}
		_, err = sqsClient.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(string(body))})
		return err
	case "lambda":
		_, err := lambdaClient.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(arn),
			InvocationType: lambdatypes.InvocationTypeEvent, Payload: body})
		return err
	default:
		return fmt.Errorf("destination %q: localaws delivers to SQS queues and Lambda functions only", arn)
	}
}

// service is the service segment of an ARN, e.g. "sqs".
func service(arn string) string {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 || parts[0] != "arn" {
		return ""
	}
	return parts[2]
}
