package traffic

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// TestLeftovers creates resources of two stacks, and checks that only those of the stack
// asked for are listed, and none once they are deleted.
func TestLeftovers(t *testing.T) {
	cfg := startLocalaws(t)
	ctx := context.Background()
	q, eb, logs, roles := sqs.NewFromConfig(cfg), eventbridge.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg), iam.NewFromConfig(cfg)
	db := dynamodb.NewFromConfig(cfg)
	var queueURL string
	for _, name := range []string{"tm-abc123", "tm-other"} {
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-source")})
		if err != nil {
			t.Fatal(err)
		}
		if name == "tm-abc123" {
			queueURL = aws.ToString(out.QueueUrl)
		}
		if _, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(name + "-events")}); err != nil {
			t.Fatal(err)
		}
		if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(name + "-work"), EventPattern: aws.String(`{"source":["x"]}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/" + name + "-router")}); err != nil {
			t.Fatal(err)
		}
		if _, err := roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name + "-router"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(name + "-tenant-data"),
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("tenant_id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("tenant_id"), KeyType: ddbtypes.KeyTypeHash}}}); err != nil {
			t.Fatal(err)
		}
	}

	got, err := Leftovers(ctx, cfg, "tm-abc123")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"event bus tm-abc123-events", "log group /aws/lambda/tm-abc123-router", "queue tm-abc123-source",
		"role tm-abc123-router", "rule tm-abc123-work", "table tm-abc123-tenant-data"}
	if !slices.Equal(got, want) {
		t.Fatalf("leftovers %q, want %q", got, want)
	}

	steps := []func() error{
		func() error {
			_, err := q.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(queueURL)})
			return err
		},
		func() error {
			_, err := eb.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("tm-abc123-events")})
			return err
		},
		func() error {
			_, err := eb.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("tm-abc123-work")})
			return err
		},
		func() error {
			_, err := logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/tm-abc123-router")})
			return err
		},
		func() error {
			_, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("tm-abc123-tenant-data")})
			return err
		},
		func() error {
			_, err := roles.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("tm-abc123-router")})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := Leftovers(ctx, cfg, "tm-abc123"); err != nil || len(got) != 0 {
		t.Fatalf("after deleting everything: %q, %v", got, err)
	}
}
