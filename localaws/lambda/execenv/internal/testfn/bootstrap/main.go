// Command bootstrap runs testfn.Handle on the Lambda Runtime API. TESTFN_INIT_ERROR
// makes it report an init error instead, and TESTFN_INIT_EXIT makes it exit during init.
package main

import (
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv/internal/testfn"
)

func main() {
	if msg := os.Getenv("TESTFN_INIT_ERROR"); msg != "" {
		body := `{"errorMessage":"` + msg + `","errorType":"Runtime.TestInitError"}`
		req, _ := http.NewRequest(http.MethodPost,
			"http://"+os.Getenv("AWS_LAMBDA_RUNTIME_API")+"/2018-06-01/runtime/init/error", strings.NewReader(body))
		req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.TestInitError")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
		}
		os.Exit(1)
	}
	if os.Getenv("TESTFN_INIT_EXIT") != "" {
		os.Exit(2)
	}
	lambda.Start(testfn.Handle)
}
