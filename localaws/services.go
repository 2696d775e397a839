package localaws

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/logs"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sts"
)

// DefaultServices is every service, in start order; Close stops them in reverse, so
// Lambda (processes, pollers) stops before the queues it reads.
func DefaultServices() []Factory {
	return []Factory{
		func(e *core.Env) core.Service { return sts.New(e) },
		func(e *core.Env) core.Service { return iam.New(e) },
		func(e *core.Env) core.Service { return logs.New(e) },
		func(e *core.Env) core.Service { return sqs.New(e) },
		func(e *core.Env) core.Service { return eventbridge.New(e) },
		func(e *core.Env) core.Service { return lambda.New(e) },
	}
}
