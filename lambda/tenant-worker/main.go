// Command tenant-worker is the example tenant-isolated backend. Per invocation it checks its tenant and writes one
// evidence record to EVIDENCE_QUEUE_URL and, with TENANT_DATA_TABLE, an item under its tenant's key with credentials
// scoped to that tenant (TENANT_ACCESS_ROLE_ARN); the logic lives in internal/evidence. Copy it as a starting point for an
// isolated handler.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/evidence"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

func main() {
	logger := isolation.NewLogger(os.Stdout)
	slog.SetDefault(logger)

	queueURL, err := evidence.QueueURLFromEnv(os.Getenv)
	if err != nil {
		fatal(logger, "invalid tenant-worker configuration", err)
	}
	// LoadDefaultConfig honours AWS_ENDPOINT_URL, so the same binary talks to AWS or to a local endpoint.
	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		fatal(logger, "loading AWS configuration", err)
	}
	w, err := evidence.New(sqs.NewFromConfig(awsCfg), queueURL, logger)
	if err != nil {
		fatal(logger, "building the worker", err)
	}
	table, roleARN, err := evidence.TenantDataFromEnv(os.Getenv)
	if err != nil {
		fatal(logger, "invalid tenant-worker configuration", err)
	}
	if table != "" {
		// Items are written only with credentials scoped to the invocation's tenant; the guard is shared, so the
		// worker and its credentials agree on the environment's one tenant.
		access, err := isolation.NewTenantAccess(awsCfg, roleARN, w.Guard())
		if err != nil {
			fatal(logger, "building tenant access", err)
		}
		w.UseTenantTable(table, access, func(cfg aws.Config) evidence.ItemStore { return dynamodb.NewFromConfig(cfg) })
	}
	lambda.Start(w.Handle)
}

// fatal fails the init phase: Lambda reports it as an init error, with this line in the function's log.
func fatal(logger *slog.Logger, msg string, err error) {
	logger.Error(msg, slog.String("error", err.Error()))
	os.Exit(1)
}
