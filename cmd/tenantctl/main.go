// Command tenantctl adds, suspends, resumes and offboards tenants in the tenant isolation module's registry, and
// replays a resumed tenant's held messages. It uses the standard AWS configuration (AWS_PROFILE, AWS_REGION,
// AWS_ENDPOINT_URL) and finds the registry from the module's Terraform output or from flags. See tenantctl -h.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/cli"
)

func main() {
	// An interrupt lets a replay finish the message in hand; a second one kills the process.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		exit(fmt.Errorf("loading the AWS configuration: %w; set AWS_PROFILE or AWS credentials, and AWS_REGION", err))
	}
	err = cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, cli.Deps{
		DynamoDB:  dynamodb.NewFromConfig(cfg),
		SQS:       sqs.NewFromConfig(cfg),
		Events:    eventbridge.NewFromConfig(cfg),
		Terraform: terraform,
	})
	stop()
	exit(err)
}

// terraform runs the terraform on PATH (or $TERRAFORM) and returns its standard output.
func terraform(ctx context.Context, args ...string) ([]byte, error) {
	bin := os.Getenv("TERRAFORM")
	if bin == "" {
		bin = "terraform"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = os.Stderr
	return cmd.Output()
}

func exit(err error) {
	if err == nil {
		os.Exit(0)
	}
	code := 1
	if ee, ok := errors.AsType[*cli.ExitError](err); ok {
		code = ee.Code
	}
	if code != 0 {
		fmt.Fprintln(os.Stderr, "tenantctl:", err)
	}
	os.Exit(code)
}
