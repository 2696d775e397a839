// Command soak is `make soak`: examples/complete on localaws (or TEST_TARGET=aws) with a
// tenant registry, a load of valid, poison and spoofed messages over SQS and EventBridge
// with injected backend failures, a router kill and tenants suspended mid-run and
// resumed, then the accounting table, and on AWS a destroy.
// It exits 1 if a message was lost, ran as another tenant or was quarantined for the wrong reason.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
)

func main() {
	var cfg traffic.SoakConfig
	flag.IntVar(&cfg.Messages, "messages", 10000, "messages to send in all, 5% poison and 5% spoofed included")
	flag.IntVar(&cfg.Tenants, "tenants", 100, "tenants to spread the messages over, 1-1000")
	flag.IntVar(&cfg.Workers, "workers", 4, "concurrent senders")
	flag.Int64Var(&cfg.Seed, "seed", 1, "seed of the injected faults, to repeat a run")
	flag.DurationVar(&cfg.Timeout, "timeout", 15*time.Minute, "how long to wait for every message to be accounted for")
	registry := traffic.SoakRegistry{}
	flag.IntVar(&registry.Tenants, "registry-tenants", 1000, "tenants in the tenant registry (0: run without a registry)")
	flag.IntVar(&registry.Suspend, "suspend", 50, "load tenants suspended a third of the way in and resumed at the end")
	flag.Parse()
	if registry.Tenants > 0 {
		cfg.Registry = &registry
	}
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "soak: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}

	// Interrupting the soak cancels it, and the stack is still torn down.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, err := runner.RepoRoot()
	if err == nil {
		err = runner.RunSoak(ctx, os.Stdout, root, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak failed:", err)
		os.Exit(1)
	}
}
