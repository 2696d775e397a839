// Command router is the router Lambda: it reads its configuration from ROUTER_* environment variables, builds its AWS
// clients once, and hands every SQS batch or EventBridge event to internal/router.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	lambdasvc "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/router"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

func main() {
	logger := isolation.NewLogger(os.Stdout)
	slog.SetDefault(logger)

	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		fatal(logger, "invalid router configuration", err)
	}
	// LoadDefaultConfig honours AWS_ENDPOINT_URL, so the same binary talks to AWS or to a local endpoint.
	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		fatal(logger, "loading AWS configuration", err)
	}
	var opts []router.Option
	if cfg.Registry.Table != "" {
		opts = append(opts, router.WithRegistry(registry.New(dynamodb.NewFromConfig(awsCfg), cfg.Registry.Table,
			registry.Options{TTL: cfg.Registry.CacheTTL, StaleFor: cfg.Registry.StaleFor})))
	}
	r, err := router.New(cfg, lambdasvc.NewFromConfig(awsCfg), sqs.NewFromConfig(awsCfg), logger, opts...)
	if err != nil {
		fatal(logger, "building the router", err)
	}
	logger.Info("router ready",
		slog.String("backend", cfg.BackendFunction),
		slog.String("mode", string(cfg.Mode)),
		slog.Int("maxParallel", cfg.MaxParallel),
		slog.Int("sources", len(cfg.Sources)),
		slog.String("registryTable", cfg.Registry.Table))
	lambda.Start(r.Handle)
}

// fatal fails the init phase: Lambda reports it as an init error, with this line in the function's log.
func fatal(logger *slog.Logger, msg string, err error) {
	logger.Error(msg, slog.String("error", err.Error()))
	os.Exit(1)
}
