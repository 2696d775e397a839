//go:build e2e

// Package test holds the Terraform-level suite: plan tests, the provider round trip
// and the end-to-end isolation proof. It runs against localaws by default and against a
// sandbox account with TEST_TARGET=aws. Run it through `make test` (or `make e2e`).
package test

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/random"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e"
)

var (
	target *e2e.Target
	dist   string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if err := e2e.CheckToolchain(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	var err error
	if dist, err = e2e.DistDir(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if target, err = e2e.TargetFromEnv(logger); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer target.Close()
	if err := e2e.CheckZips(dist, target.Arch); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	fmt.Printf("target %s %s, zips %s/%s\n", target.Name, target.URL(), dist, target.Arch)
	return m.Run()
}

// uniqueName gives every test its own resource names, so runs in a shared sandbox
// account never collide and leftovers are easy to find.
func uniqueName(prefix string) string {
	return prefix + "-" + strings.ToLower(random.UniqueId())
}
