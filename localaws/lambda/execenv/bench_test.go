package execenv_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv/internal/testfn"
)

var benchPayload = []byte(`{"text":"ping"}`)

// BenchmarkWarmInvoke is a warm invocation through Pool.Invoke: dispatch, the Runtime
// API round trips and the log lines. Compare with BenchmarkDirectHandler.
func BenchmarkWarmInvoke(b *testing.B) {
	h := newHarness(b, nil)
	fn := h.function(b, "warm")
	h.invoke(b, fn, "", testfn.Request{})
	b.ResetTimer()
	for b.Loop() {
		res, err := h.pool.Invoke(context.Background(), fn, "", "", benchPayload)
		if err != nil || res.FunctionError != "" || res.ColdStart {
			b.Fatalf("invoke: %v %s", err, res.Payload)
		}
	}
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
// time): spawn, Go runtime and aws-lambda-go start-up, first /next, the invocation.
// init-ms is the spawn-to-first-/next part alone.
func BenchmarkColdStart(b *testing.B) {
	h := newHarness(b, nil)
	fn := h.function(b, "cold")
	h.invoke(b, fn, "unpack", testfn.Request{}) // the code is unpacked once, not per cold start
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
}
