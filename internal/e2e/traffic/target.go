package traffic

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

// Target is where a stack runs. On AWS, Local is false, Environments returns nil and
// the fault methods fail: the scenarios check Local before they use them.
type Target interface {
	Name() string
	Local() bool
	AWSConfig() aws.Config
	// Environments is localaws's execution environment table.
	Environments(ctx context.Context) ([]verdict.Environment, error)
	// SetFaults replaces the fault injection of one function.
	SetFaults(ctx context.Context, function string, c faults.Config) error
	// FaultStats is what was injected into one function so far.
	FaultStats(ctx context.Context, function string) (verdict.FaultStats, error)
	// ClearFaults removes a function's fault injection and its stats.
	ClearFaults(ctx context.Context, function string) error
}
