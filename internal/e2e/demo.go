package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/terraform"
)

// demoT lets Terratest's helpers run outside `go test` (make demo, make soak). Only the *E helpers are used,
// so Fatal is reached only by set-up helpers such as the folder copy.
type demoT struct{ out io.Writer }

func (demoT) Fail()                            {}
func (demoT) FailNow()                         { panic("terratest helper failed") }
func (t demoT) Fatal(args ...any)              { fmt.Fprintln(t.out, args...); t.FailNow() }
func (t demoT) Fatalf(format string, a ...any) { fmt.Fprintf(t.out, format+"\n", a...); t.FailNow() }
func (t demoT) Error(args ...any)              { fmt.Fprintln(t.out, args...) }
func (t demoT) Errorf(format string, a ...any) { fmt.Fprintf(t.out, format+"\n", a...) }
func (demoT) Name() string                     { return "demo" }

// ErrIsolation is returned by Demo and RunSoak when the run broke an isolation or accounting rule.
var ErrIsolation = errors.New("isolation or accounting violated")

// Demo applies examples/complete on localaws, sends tenant traffic, prints the
// per-tenant environment table and the quarantine, then destroys everything.
func Demo(ctx context.Context, out io.Writer, repoRoot string) error {
	os.Setenv("TEST_TARGET", "localaws")
	return deployComplete(out, repoRoot, "demo", nil, func(target *Target, stack Stack) error {
		p := Traffic
		step(out, "sending %d messages for %d SQS tenants and %d EventBridge tenants, plus a missing, an invalid and a spoofed tenant",
			(len(p.SQSTenants)+len(p.EventBridgeTenants))*p.PerTenant, len(p.SQSTenants), len(p.EventBridgeTenants))
		report, err := Exercise(ctx, target, stack, p, 2*time.Minute)
		if err != nil {
			return err
		}
		return verdict(out, report.Table(), report.OK(), func() string { return Diagnostics(ctx, target, stack) })
	})
}

// verdict prints a run's table, and diagnostics when it failed (diag may be nil).
func verdict(out io.Writer, table string, ok bool, diag func() string) error {
	fmt.Fprintf(out, "\n%s\n", table)
	if ok {
		return nil
	}
	if diag != nil {
		fmt.Fprint(out, diag())
	}
	return ErrIsolation
}

// RunSoak is `make soak`: it applies examples/complete on TEST_TARGET (localaws by
// default) with a short router_timeout, runs Soak, prints its table and destroys.
func RunSoak(ctx context.Context, out io.Writer, repoRoot string, cfg SoakConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	name := "soak-" + strings.ToLower(random.UniqueId())
	vars := map[string]any{"router_timeout": SoakRouterTimeout}
	return deployComplete(out, repoRoot, name, vars, func(target *Target, stack Stack) error {
		step(out, "soak: %d messages over %d tenants on SQS and EventBridge", cfg.Messages, cfg.Tenants)
		report, err := Soak(ctx, target, stack, cfg)
		if err != nil {
			return err
		}
		return verdict(out, report.Table(), report.OK(), nil)
	})
}

func step(out io.Writer, format string, a ...any) { fmt.Fprintf(out, "==> "+format+"\n", a...) }

// deployComplete applies examples/complete on the target named by TEST_TARGET, under
// name and with extra variables, calls run with the stack, then destroys it.
func deployComplete(out io.Writer, repoRoot, name string, vars map[string]any, run func(*Target, Stack) error) (err error) {
	dist, err := DistDir()
	if err != nil {
		return err
	}
	if err := CheckToolchain(); err != nil {
		return err
	}
	target, err := TargetFromEnv(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer target.Close()
	if err := CheckZips(dist, target.Arch); err != nil {
		return err
	}
	if target.Local() {
		step(out, "localaws listening on %s", target.URL())
	} else {
		step(out, "target %s: resources are named %s-*", target.Name, name)
	}

	// Terratest logs every retry through its package logger; the commands print their own progress.
	logger.Default = logger.Discard
	t := demoT{out: out}
	opts := TerraformOptions(t, target, repoRoot, "examples/complete", dist, name, true)
	for k, v := range vars {
		opts.Vars[k] = v
	}
	step(out, "terraform init + apply examples/complete (about 2 minutes: the provider waits for SQS attributes to settle)")
	start := time.Now()
	stop := heartbeat(out, "apply", start)
	_, applyErr := terraform.InitAndApplyE(t, opts)
	stop()
	defer func() {
		step(out, "terraform destroy (about 5 minutes: the provider confirms each SQS queue deletion 15 times)")
		start := time.Now()
		stop := heartbeat(out, "destroy", start)
		_, derr := terraform.DestroyE(t, opts)
		stop()
		if derr != nil {
			err = errors.Join(err, fmt.Errorf("destroy: %w", derr))
			return
		}
		step(out, "destroyed in %s; stopping localaws and every function process", time.Since(start).Round(time.Second))
	}()
	if applyErr != nil {
		return fmt.Errorf("apply: %w", applyErr)
	}
	step(out, "applied in %s", time.Since(start).Round(time.Second))

	outputs, err := terraform.OutputAllE(t, opts)
	if err != nil {
		return err
	}
	stack, err := StackFromOutputs(outputs)
	if err != nil {
		return err
	}
	return run(target, stack)
}

// heartbeat prints progress every 30 s until the returned stop is called.
func heartbeat(out io.Writer, what string, start time.Time) func() {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(30 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				fmt.Fprintf(out, "    %s: %s elapsed\n", what, time.Since(start).Round(time.Second))
			}
		}
	}()
	return func() { close(done) }
}

// RepoRoot finds the repository root from the working directory (the folder with go.mod).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the repository")
		}
		dir = parent
	}
}
