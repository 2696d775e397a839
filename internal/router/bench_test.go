package router

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

// Sources of the CPU benchmarks, one per way of finding the tenant.
const (
	benchAttrARN  = "arn:aws:sqs:us-east-1:123456789012:bench-attribute"
	benchBodyARN  = "arn:aws:sqs:us-east-1:123456789012:bench-body"
	benchCrossARN = "arn:aws:sqs:us-east-1:123456789012:bench-cross"
)

// benchBody is a typical order of about 300 bytes.
const benchBody = `{"orderId":"o-123456","tenantId":"globex","items":[{"sku":"x-1","qty":2,"price":9.99},` +
	`{"sku":"y-2","qty":1,"price":19.5}],"note":"deliver \"fast\"","tags":["a","b"],"paid":true,` +
	`"customer":{"id":"c-42","email":"someone@example.com"},"placedAt":"2026-01-01T00:00:00Z"}`

// benchEvent is an EventBridge event carrying benchBody as its detail.
const benchEvent = `{"version":"0","id":"0d3c5a8e-1111-2222-3333-444455556666","detail-type":"OrderPlaced",` +
	`"source":"shop","account":"123456789012","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],` +
	`"detail":` + benchBody + `}`

// nopInvoker accepts every invocation without I/O, so that a benchmark measures only the router's own work.
type nopInvoker struct{ sink *lambda.InvokeInput }

var (
	acceptedAsync = &lambda.InvokeOutput{StatusCode: 202}
	acceptedSync  = &lambda.InvokeOutput{StatusCode: 200, Payload: []byte("null")}
)

func (n *nopInvoker) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	n.sink = in
	if in.InvocationType == "Event" {
		return acceptedAsync, nil
	}
	return acceptedSync, nil
}

// benchRouter is a router as production builds it (JSON logs at info level, the default pattern, a known-tenant
// list), with an invoker that does no I/O.
// benchRouter builds the benchmarks' router; with reg it reads the tenant registry through reg.
func benchRouter(b *testing.B, mode config.Mode, reg Resolver) (*Router, *nopInvoker) {
	b.Helper()
	cfg := config.Config{
		BackendFunction:    backendARN,
		QuarantineQueueURL: quarantineQ,
		TenantPattern:      regexp.MustCompile(tenant.DefaultPattern),
		KnownTenants:       []string{"acme", "globex", "initech"},
		Mode:               mode,
		MaxParallel:        config.DefaultMaxParallel,
		Sources: []config.Source{
			{Name: "attribute", Kind: config.KindSQS, QueueARN: benchAttrARN, Rules: []tenant.Rule{
				{Type: tenant.RuleMessageAttribute, Name: "tenantId"},
			}},
			{Name: "body", Kind: config.KindSQS, QueueARN: benchBodyARN, Rules: []tenant.Rule{
				{Type: tenant.RuleBodyPointer, Pointer: "/tenantId"},
			}},
			{Name: "cross", Kind: config.KindSQS, QueueARN: benchCrossARN, Rules: []tenant.Rule{
				{Type: tenant.RuleMessageAttribute, Name: "tenantId"},
				{Type: tenant.RuleBodyPointer, Pointer: "/tenantId"},
			}},
			{Name: "events", Kind: config.KindEventBridge, QueueARN: bufferARN, Rules: []tenant.Rule{
				{Type: tenant.RuleEventPointer, Pointer: "/detail/tenantId"},
			}},
			{Name: "direct", Kind: config.KindEventBridge, Rules: []tenant.Rule{
				{Type: tenant.RuleEventPointer, Pointer: "/detail/tenantId"},
			}},
		},
	}
	var opts []Option
	if reg != nil {
		cfg.Registry = config.Registry{Table: registryTable, HeldQueueURL: heldQ, CacheTTL: time.Minute}
		opts = append(opts, WithRegistry(reg))
	}
	inv := &nopInvoker{}
	logger := slog.New(isolation.NewLogHandler(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})))
	r, err := New(cfg, inv, &fakeSender{}, logger, opts...)
	require.NoError(b, err)
	return r, inv
}

// benchRecord is an SQS record as the event source mapping delivers it.
func benchRecord(id, sourceARN, body string) events.SQSMessage {
	return events.SQSMessage{
		MessageId: id, ReceiptHandle: "rh-" + id, Body: body, EventSourceARN: sourceARN,
		EventSource: "aws:sqs", AWSRegion: "us-east-1", Md5OfBody: "0123456789abcdef0123456789abcdef",
		Attributes: map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000",
			"SenderId": "AIDAEXAMPLE", "ApproximateFirstReceiveTimestamp": "1767225600001"},
		MessageAttributes: map[string]events.SQSMessageAttribute{
			"tenantId": {DataType: "String", StringValue: aws.String("globex")},
			"traceId":  {DataType: "String", StringValue: aws.String("t-0123456789")},
		},
	}
}

var benchRecords = []struct {
	name      string
	sourceARN string
	body      string
}{
	{name: "sqs_attribute", sourceARN: benchAttrARN, body: benchBody},
	{name: "sqs_body_pointer", sourceARN: benchBodyARN, body: benchBody},
	{name: "sqs_attribute_and_body", sourceARN: benchCrossARN, body: benchBody},
	{name: "eventbridge_buffered", sourceARN: bufferARN, body: benchEvent},
}

func benchCtx(b *testing.B) context.Context {
	return lambdacontext.NewContext(b.Context(), &lambdacontext.LambdaContext{AwsRequestID: "req-bench"})
}

// BenchmarkRouteRecord measures the router's CPU per record: find the source, extract and validate the tenant, build
// the envelope and the InvokeInput, and read the answer. The invoker does no I/O.
// Target: <= 20 µs and <= 30 allocations per record.
func BenchmarkRouteRecord(b *testing.B) {
	for _, mode := range []config.Mode{config.ModeSync, config.ModeAsync} {
		for _, tt := range benchRecords {
			b.Run(fmt.Sprintf("%s/%s", tt.name, mode), func(b *testing.B) {
				r, inv := benchRouter(b, mode, nil)
				loopRoute(b, r, benchRecord("m-1", tt.sourceARN, tt.body))
				if got := aws.ToString(inv.sink.TenantId); got != "globex" {
					b.Fatalf("invoked tenant %q, want globex", got)
				}
			})
		}
		b.Run(fmt.Sprintf("eventbridge_direct/%s", mode), func(b *testing.B) {
			r, inv := benchRouter(b, mode, nil)
			raw := json.RawMessage(benchEvent)
			ctx := benchCtx(b)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Handle(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
			if got := aws.ToString(inv.sink.TenantId); got != "globex" {
				b.Fatalf("invoked tenant %q, want globex", got)
			}
		})
	}
}

// loopRoute routes rec for the benchmark's iterations, each of which must reach the backend.
func loopRoute(b *testing.B, r *Router, rec events.SQSMessage) {
	ctx := benchCtx(b)
	b.ReportAllocs()
	for b.Loop() {
		if o := r.routeRecord(ctx, &rec); o != outcomeRouted {
			b.Fatalf("outcome %d, want routed", o)
		}
	}
}

// BenchmarkHandleSQSBatch measures a whole batch of 10 records through Handle, decoding included, and reports the
// cost per record.
func BenchmarkHandleSQSBatch(b *testing.B) {
	for _, tt := range benchRecords {
		b.Run(tt.name, func(b *testing.B) {
			r, _ := benchRouter(b, config.ModeSync, nil)
			batch := events.SQSEvent{}
			for i := range 10 {
				batch.Records = append(batch.Records, benchRecord(fmt.Sprintf("m-%d", i), tt.sourceARN, tt.body))
			}
			raw, err := json.Marshal(batch)
			require.NoError(b, err)
			ctx := benchCtx(b)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				out, err := r.Handle(ctx, raw)
				if err != nil {
					b.Fatal(err)
				}
				if f := out.(events.SQSEventResponse).BatchItemFailures; len(f) != 0 {
					b.Fatalf("%d records failed", len(f))
				}
			}
			runtime.ReadMemStats(&after)
			per := float64(b.N * len(batch.Records))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/record")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/record")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/record")
		})
	}
}
