// Command demo is `make demo`: examples/complete on localaws with tenant traffic and the
// per-tenant environment table, its worker in RUNTIME (go, the default; python; node).
// Stopping localaws discards the stack, so it is destroyed only with DEMO_DESTROY=1. It
// exits 1 if isolation was violated.
package main

import (
	"cmp"
	"context"
	"fmt"
	"os"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
)

func main() {
	root, err := runner.RepoRoot()
	if err == nil {
		runtime := cmp.Or(os.Getenv("RUNTIME"), "go")
		err = runner.Demo(context.Background(), os.Stdout, root, runtime, os.Getenv("DEMO_DESTROY") == "1")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}
