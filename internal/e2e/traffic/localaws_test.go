package traffic

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	leventbridge "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge"
	lsqs "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
)

// startQueues starts a localaws with SQS and EventBridge only, for tests of the load
// generator and the collector over the real wire protocols.
func startQueues(t *testing.T) Clients {
	t.Helper()
	return NewClients(startLocalaws(t,
		localaws.Use(lsqs.New),
		localaws.Use(leventbridge.New)))
}

// startLocalaws starts a localaws with the services given (every one when none are)
// and returns the SDK config that reaches it.
func startLocalaws(t *testing.T, services ...localaws.Factory) aws.Config {
	t.Helper()
	// Without IAM enforcement: these tests drive traffic, and their queues carry no policy
	// for EventBridge; the module's policies are proven by the e2e suite.
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", StateDir: t.TempDir(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), IAM: localaws.IAMOff}, services...)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

func createQueue(t *testing.T, c Clients, name string) (url, arn string) {
	t.Helper()
	ctx := context.Background()
	out, err := c.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl), attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
}

// busToQueue creates a bus whose rule sends events of source to a new queue, the way
// examples/complete's buffer queue gets them.
func busToQueue(t *testing.T, c Clients, bus, source string) (queueURL string) {
	t.Helper()
	ctx := context.Background()
	url, arn := createQueue(t, c, bus+"-buffer")
	if _, err := c.EventBridge.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(bus)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EventBridge.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("work"), EventBusName: aws.String(bus),
		EventPattern: aws.String(`{"source":["` + source + `"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EventBridge.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("work"), EventBusName: aws.String(bus),
		Targets: []ebtypes.Target{{Id: aws.String("buffer"), Arn: aws.String(arn)}}}); err != nil {
		t.Fatal(err)
	}
	return url
}
