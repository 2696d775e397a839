// Command lambdazip packages a bootstrap binary, or a directory of Python or Node.js
// code, as a reproducible Lambda zip.
//
//	lambdazip -o dist/amd64/router.zip dist/amd64/router/bootstrap
//	lambdazip -o dist/amd64/tenant-worker-node.zip dist/amd64/tenant-worker-node/
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/lambdazip"
)

func main() {
	out := flag.String("o", "", "output zip path")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: lambdazip -o OUT.zip BOOTSTRAP|DIR")
		os.Exit(2)
	}
	if err := lambdazip.WriteFile(*out, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
