package execenv_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv/internal/testfn"
)

var benchPayload = []byte(`{"text":"ping"}`)

// BenchmarkWarmInvoke is a warm invocation through Pool.Invoke, per runtime: dispatch,
// the Runtime API round trips, the runtime client and the log lines. Compare go with
// BenchmarkDirectHandler.
func BenchmarkWarmInvoke(b *testing.B) {
	for _, rt := range benchRuntimes {
		b.Run(rt.name, func(b *testing.B) {
			h := newHarness(b, nil)
			fn := rt.function(b, h, "warm")
			warmUp, err := h.pool.Invoke(context.Background(), fn, "", "", benchPayload)
			if err != nil || warmUp.FunctionError != "" {
				b.Fatalf("invoke: %v %s", err, warmUp.Payload)
			}
			b.ResetTimer()
			for b.Loop() {
				res, err := h.pool.Invoke(context.Background(), fn, "", "", benchPayload)
				if err != nil || res.FunctionError != "" || res.ColdStart {
					b.Fatalf("invoke: %v %s", err, res.Payload)
				}
			}
		})
	}
}

// benchRuntime is one runtime the benchmarks compare, with a handler that echoes.
type benchRuntime struct {
	name        string
	interpreter string // "" for the Go bootstrap
	runtime     string
	handler     string
	file, code  string
}

var benchRuntimes = []benchRuntime{
	{name: "go"},
	{name: "python", interpreter: "python3", runtime: "python3.12", handler: "app.handler", file: "app.py",
		code: "def handler(event, context):\n    return {\"text\": event.get(\"text\")}\n"},
	{name: "node", interpreter: "node", runtime: "nodejs22.x", handler: "index.handler", file: "index.mjs",
		code: "export const handler = async (event) => ({ text: event.text });\n"},
}

func (rt benchRuntime) function(b *testing.B, h *harness, name string) execenv.Function {
	if rt.interpreter == "" {
		return h.function(b, name)
	}
	if _, err := exec.LookPath(rt.interpreter); err != nil {
		b.Skipf("%s is not on PATH", rt.interpreter)
	}
	zipPath := makeZip(b, zipFile{name: rt.file, data: []byte(rt.code), mode: 0o644})
	return h.function(b, name, func(f *execenv.Function) {
		f.Runtime, f.Handler, f.ZipPath, f.CodeSHA256 = rt.runtime, rt.handler, zipPath, codeSHA(b, zipPath)
	})
}

// BenchmarkDirectHandler calls the same handler in-process, with the same JSON
// decoding and encoding the runtime client does.
func BenchmarkDirectHandler(b *testing.B) {
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "id"})
	for b.Loop() {
		var req testfn.Request
		if err := json.Unmarshal(benchPayload, &req); err != nil {
			b.Fatal(err)
		}
		resp, err := testfn.Handle(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(resp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColdStart is a first invocation in a new environment (a new tenant each
// time), per runtime: spawn, the runtime's start-up (Go and aws-lambda-go, or the
// interpreter, localaws's runtime client and the handler's module), first /next, the
// invocation. init-ms is the spawn-to-first-/next part alone.
func BenchmarkColdStart(b *testing.B) {
	for _, rt := range benchRuntimes {
		b.Run(rt.name, func(b *testing.B) {
			h := newHarness(b, nil)
			fn := rt.function(b, h, "cold")
			// The code is unpacked and the interpreter found once, not per cold start.
			if res, err := h.pool.Invoke(context.Background(), fn, "unpack", "", benchPayload); err != nil || res.FunctionError != "" {
				b.Fatalf("invoke: %v %s", err, res.Payload)
			}
			var initTotal time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := h.pool.Invoke(context.Background(), fn, fmt.Sprintf("tenant-%d", i), "", benchPayload)
				if err != nil || res.FunctionError != "" || !res.ColdStart {
					b.Fatalf("invoke: %v %s", err, res.Payload)
				}
				initTotal += res.InitDuration
				b.StopTimer()
				h.pool.Drain("cold")
				b.StartTimer()
			}
			b.ReportMetric(float64(initTotal.Microseconds())/1000/float64(b.N), "init-ms/op")
		})
	}
}
