// Command tenantecho is the bootstrap of the lambda package's end-to-end test: it answers
// with its PID, the tenant the invoke carried and a configured variable, and fails on request.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Fail bool `json:"fail"`
}

type response struct {
	PID       int    `json:"pid"`
	Tenant    string `json:"tenant"`
	Mode      string `json:"mode"`
	LogFormat string `json:"log_format"`
}

func handle(ctx context.Context, req request) (response, error) {
	if req.Fail {
		return response{}, errors.New("asked to fail")
	}
	lc, _ := lambdacontext.FromContext(ctx)
	out := response{PID: os.Getpid(), Mode: os.Getenv("MODE"), LogFormat: os.Getenv("AWS_LAMBDA_LOG_FORMAT")}
	if lc != nil {
		out.Tenant = lc.TenantID
	}
	return out, nil
}

func main() { lambda.Start(handle) }
