package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/target"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// cmdT lets Terratest's helpers run outside `go test` (make demo, make soak). Only the *E helpers are used,
// so Fatal is reached only by set-up helpers.
type cmdT struct{ out io.Writer }

func (cmdT) Fail()                            {}
func (cmdT) FailNow()                         { panic("terratest helper failed") }
func (t cmdT) Fatal(args ...any)              { fmt.Fprintln(t.out, args...); t.FailNow() }
func (t cmdT) Fatalf(format string, a ...any) { fmt.Fprintf(t.out, format+"\n", a...); t.FailNow() }
func (t cmdT) Error(args ...any)              { fmt.Fprintln(t.out, args...) }
func (t cmdT) Errorf(format string, a ...any) { fmt.Fprintf(t.out, format+"\n", a...) }
func (cmdT) Name() string                     { return "demo" }

// WorkerRuntimes are the runtimes of the example evidence worker, as examples/complete's
// worker_runtime names them.
var WorkerRuntimes = []string{"go", "python", "node"}

// CheckWorkerRuntime refuses a runtime examples/complete has no worker for.
func CheckWorkerRuntime(runtime string) error {
	if !slices.Contains(WorkerRuntimes, runtime) {
		return fmt.Errorf("RUNTIME must be one of %s, not %q", strings.Join(WorkerRuntimes, ", "), runtime)
	}
	return nil
}

// Demo applies examples/complete on localaws with the worker in runtime (go, python or
// node), sends tenant traffic and prints the per-tenant environment table and the
// quarantine. It destroys the stack only when destroy is set: stopping localaws
// discards every resource anyway.
func Demo(ctx context.Context, out io.Writer, repoRoot, runtime string, destroy bool) error {
	if err := CheckWorkerRuntime(runtime); err != nil {
		return err
	}
	teardown := DestroyOnAWS
	if destroy {
		teardown = Destroy
	}
	local := func(k string) string {
		switch v := os.Getenv(k); {
		case k == "TEST_TARGET":
			return target.Localaws
		case k == "LOCALAWS_IAM" && v == "":
			// IAM denies the cross-tenant reads, so the demo's localaws enforces it unless told otherwise.
			return string(localaws.IAMOn)
		default:
			return v
		}
	}
	// With the tenant data table, the table gains the cross-tenant reads each tenant's credentials were denied.
	cfg := Config{Name: "demo", Teardown: teardown, Vars: map[string]any{"worker_runtime": runtime,
		"create_tenant_data_table": true}}
	return deployComplete(ctx, out, local, repoRoot, cfg, " (DEMO_DESTROY=1 destroys it, about 5 minutes more)",
		func(tg *target.Target, stack traffic.Stack) error {
			p := traffic.Traffic
			step(out, "sending %d messages for %d SQS tenants and %d EventBridge tenants, one per tenant asking to read the next tenant's data, plus a missing, an invalid and a spoofed tenant",
				(len(p.SQSTenants)+len(p.EventBridgeTenants))*(p.PerTenant+1), len(p.SQSTenants), len(p.EventBridgeTenants))
			report, err := traffic.Exercise(ctx, tg, stack, p, 2*time.Minute)
			if err != nil {
				return err
			}
			return printVerdict(out, report.Table(), report.OK(), func() string { return traffic.Diagnostics(ctx, tg, stack) })
		})
}

// RunSoak is `make soak`: it applies examples/complete on TEST_TARGET (localaws by
// default) with a short router_timeout, runs the soak and prints its table.
func RunSoak(ctx context.Context, out io.Writer, repoRoot string, cfg traffic.SoakConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	name := "soak-" + strings.ToLower(random.UniqueId())
	vars := SoakVars(cfg)
	return deployComplete(ctx, out, os.Getenv, repoRoot, Config{Name: name, Vars: vars, Teardown: DestroyOnAWS}, "",
		func(tg *target.Target, stack traffic.Stack) error {
			step(out, "soak: %d messages over %d tenants on SQS and EventBridge", cfg.Messages, cfg.Tenants)
			if r := cfg.Registry; r != nil {
				step(out, "registry: %d tenants, %d suspended a third of the way in and resumed at the end", r.Tenants, r.Suspend)
			}
			report, err := traffic.Soak(ctx, tg, stack, cfg)
			if err != nil {
				return err
			}
			return printVerdict(out, report.Table(), report.OK(), nil)
		})
}

// SoakVars are the variables examples/complete is applied with for a soak: a short router timeout, so that a killed
// batch comes back in 30 s, and with a registry a short cache TTL, so that suspensions take effect quickly.
func SoakVars(cfg traffic.SoakConfig) map[string]any {
	vars := map[string]any{"router_timeout": traffic.SoakRouterTimeout}
	if cfg.Registry != nil {
		vars["create_tenant_registry"] = true
		vars["tenant_registry_cache_ttl_seconds"] = traffic.SoakRegistryTTL
	}
	return vars
}

// printVerdict prints a run's table, and diagnostics when it failed (diag may be nil).
func printVerdict(out io.Writer, table string, ok bool, diag func() string) error {
	fmt.Fprintf(out, "\n%s\n", table)
	if ok {
		return nil
	}
	if diag != nil {
		fmt.Fprint(out, diag())
	}
	return verdict.ErrIsolation
}

func step(out io.Writer, format string, a ...any) { fmt.Fprintf(out, "==> "+format+"\n", a...) }

// deployComplete applies examples/complete on the target getenv names, calls run with
// the stack, then tears it down as cfg.Teardown says, and says what it did; skipHint
// follows the notice of a skipped destroy.
func deployComplete(ctx context.Context, out io.Writer, getenv func(string) string, repoRoot string, cfg Config, skipHint string,
	run func(*target.Target, traffic.Stack) error) (err error) {
	cfg.Example, cfg.Quiet = "examples/complete", true
	dist, err := DistDir(repoRoot)
	if err != nil {
		return err
	}
	if err := CheckToolchain(); err != nil {
		return err
	}
	tg, err := target.FromEnv(ctx, getenv, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer func() {
		if tg.Local() {
			step(out, "stopping localaws and every function process")
		}
		err = errors.Join(err, tg.Close())
	}()
	if err := CheckZips(dist, tg.Arch); err != nil {
		return err
	}
	if tg.Local() {
		step(out, "localaws listening on %s", tg.URL())
	} else {
		step(out, "target %s: resources are named %s-*", tg.Name(), cfg.Name)
	}
	stack, err := New(tg, repoRoot, dist, cfg)
	if err != nil {
		return err
	}
	t := cmdT{out: out}
	defer func() { err = errors.Join(err, teardown(out, t, stack, skipHint)) }()

	step(out, "terraform init + apply examples/complete (about 2 minutes: the provider waits for SQS attributes to settle)")
	start := time.Now()
	stop := heartbeat(out, "apply", start)
	_, applyErr := terraform.InitAndApplyE(t, stack.Options)
	stop()
	if applyErr != nil {
		return fmt.Errorf("apply: %w", applyErr)
	}
	step(out, "applied in %s", time.Since(start).Round(time.Second))
	outputs, err := stack.Outputs(t)
	if err != nil {
		return err
	}
	return run(tg, outputs)
}

// teardown ends the stack and says what that cost, or why it was skipped.
func teardown(out io.Writer, t cmdT, stack *Stack, skipHint string) error {
	if !stack.Destroys() {
		step(out, "not running terraform destroy: localaws discards every resource when it stops%s", skipHint)
		return stack.Teardown(t)
	}
	step(out, "terraform destroy (about 5 minutes: the provider confirms each SQS queue deletion 15 times), then a check that nothing is left")
	start := time.Now()
	stop := heartbeat(out, "destroy", start)
	err := stack.Teardown(t)
	stop()
	if err != nil {
		return err
	}
	step(out, "destroyed in %s; nothing named %s-* is left", time.Since(start).Round(time.Second), stack.Name())
	return nil
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
