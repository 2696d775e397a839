//go:build e2e

// Package test holds the Terraform-level suite: plan tests, the provider round trip
// and the end-to-end isolation proof. It runs against localaws by default and against a
// sandbox account with TEST_TARGET=aws. Run it through `make test` (or `make e2e`).
package test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/random"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/target"
)

// repoRoot is the repository, as seen from this package's folder.
const repoRoot = ".."

var (
	tg   *target.Target
	dist string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if err := runner.CheckToolchain(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	var err error
	if dist, err = runner.DistDir(repoRoot); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if tg, err = target.FromEnv(context.Background(), os.Getenv, logger); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer tg.Close()
	if err := runner.CheckZips(dist, tg.Arch); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	fmt.Printf("target %s %s, zips %s/%s\n", tg.Name(), tg.URL(), dist, tg.Arch)
	return m.Run()
}

// newStack copies example for a stack named prefix-<random>, which the test's cleanup
// tears down as teardown says. Unique names keep runs in a shared sandbox account
// apart and make leftovers easy to find.
func newStack(t testing.TB, example, prefix string, teardown runner.Teardown, quiet bool) *runner.Stack {
	return newStackWith(t, example, prefix, teardown, quiet, nil)
}

// newStackWith is newStack with the example's variables vars.
func newStackWith(t testing.TB, example, prefix string, teardown runner.Teardown, quiet bool, vars map[string]any) *runner.Stack {
	return runner.ForTest(t, tg, repoRoot, dist, runner.Config{Example: example,
		Name: prefix + "-" + strings.ToLower(random.UniqueId()), Teardown: teardown, Quiet: quiet, Vars: vars})
}
