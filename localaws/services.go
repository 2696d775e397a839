package localaws

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/logs"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sts"
)

// DefaultServices is every service with its default options, in start order; Close
// stops them in reverse, so Lambda (processes, pollers) stops before the queues it reads.
func DefaultServices() []Factory { return ServicesWith(lambda.Options{}, dynamodb.Options{}) }

// ServicesWith is DefaultServices with Lambda and DynamoDB built from their options
// (fault injection).
func ServicesWith(lambdaOpts lambda.Options, dynamoOpts dynamodb.Options) []Factory {
	return []Factory{
		Use(sts.New),
		Use(iam.New),
		Use(logs.New),
		Use(sqs.New),
		Use(dynamoOpts.New),
		Use(eventbridge.New),
		Use(lambdaOpts.New),
	}
}
