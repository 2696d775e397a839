// Command demo is `make demo`: examples/complete on localaws with tenant traffic, the
// per-tenant environment table, then destroy. It exits 1 if isolation was violated.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e"
)

func main() {
	root, err := e2e.RepoRoot()
	if err == nil {
		err = e2e.Demo(context.Background(), os.Stdout, root)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}
