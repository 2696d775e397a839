// Package testfn is the Lambda handler the execenv tests run as a real bootstrap
// process, and call in-process to measure what the pool adds.
package testfn

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Request picks a behaviour.
type Request struct {
	// Action is "" (describe the environment), "sleep", "panic", "exit", "error",
	// "print", "big", "spawn" or "env".
	Action  string `json:"action,omitempty"`
	SleepMS int    `json:"sleep_ms,omitempty"`
	Text    string `json:"text,omitempty"`
	Size    int    `json:"size,omitempty"`
}

// Response describes the environment that ran the request.
type Response struct {
	PID        int               `json:"pid"`
	Tenant     string            `json:"tenant"`
	RequestID  string            `json:"request_id"`
	InvokedARN string            `json:"invoked_arn"`
	LogStream  string            `json:"log_stream"`
	X          string            `json:"x"`
	TmpDir     string            `json:"tmpdir"`
	Cwd        string            `json:"cwd"`
	Deadline   time.Time         `json:"deadline"`
	Env        map[string]string `json:"env,omitempty"`
	ChildPID   int               `json:"child_pid,omitempty"`
	Blob       string            `json:"blob,omitempty"`
}

// Handle is the handler.
func Handle(ctx context.Context, req Request) (Response, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	if lc == nil {
		lc = &lambdacontext.LambdaContext{}
	}
	cwd, _ := os.Getwd()
	deadline, _ := ctx.Deadline()
	res := Response{PID: os.Getpid(), Tenant: lc.TenantID, RequestID: lc.AwsRequestID,
		InvokedARN: lc.InvokedFunctionArn, LogStream: lambdacontext.LogStreamName, X: os.Getenv("X"),
		TmpDir: os.TempDir(), Cwd: cwd, Deadline: deadline}
	switch req.Action {
	case "sleep":
		time.Sleep(time.Duration(req.SleepMS) * time.Millisecond)
	case "panic":
		panic(req.Text)
	case "exit":
		os.Exit(3)
	case "error":
		return Response{}, errors.New(req.Text)
	case "print":
		fmt.Println(req.Text)
		fmt.Fprintln(os.Stderr, req.Text+" on stderr")
	case "big":
		res.Blob = strings.Repeat("x", req.Size)
	case "spawn":
		cmd := exec.Command("sleep", "300")
		if err := cmd.Start(); err != nil {
			return Response{}, err
		}
		res.ChildPID = cmd.Process.Pid
	case "env":
		res.Env = map[string]string{}
		names := os.Environ()
		sort.Strings(names)
		for _, kv := range names {
			k, v, _ := strings.Cut(kv, "=")
			res.Env[k] = v
		}
	}
	return res, nil
}
