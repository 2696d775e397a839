package router_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	lambdasvc "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/target"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/evidence"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/lambdazip"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/router"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

const (
	// backendLatency is L, the time localaws holds every backend invocation: long enough that the router's and
	// localaws's own milliseconds are small beside it, so the ratios show the fan-out rather than the overheads.
	backendLatency = 100 * time.Millisecond
	fanoutTenants  = 10 // one batch of the ESM's default size, one record per tenant
	fanoutBackend  = "fanout-backend"
	// fanoutSourceARN is the queue the records claim to come from; the router only matches it against its sources.
	fanoutSourceARN = "arn:aws:sqs:us-east-1:000000000000:fanout-source"
)

// BenchmarkFanOut measures the router's batch latency against the real tenant-worker on one in-process localaws that
// holds every backend invocation for L (fault injection): a batch of 10 records for 10 tenants, each tenant with a
// warm environment. It compares the router's parallel fan-out with a sequential router (ROUTER_MAX_PARALLEL=1, the
// loop of Invoke calls of the public samples), in sync and async mode, and reports ms per batch and its ratio to L.
// Targets: parallel sync <= 1.3 x L, and >= 7x faster than sequential sync.
//
//	go test -run '^$' -bench FanOut -benchtime 5x -count 3 ./internal/router/
func BenchmarkFanOut(b *testing.B) {
	st := startFanoutStack(b)
	perMode := map[config.Mode]map[string]float64{} // ms per batch, by mode and fan-out, for the ratios
	for _, mode := range []config.Mode{config.ModeSync, config.ModeAsync} {
		perMode[mode] = map[string]float64{}
		for _, fan := range []struct {
			name        string
			maxParallel int
		}{
			{name: "parallel", maxParallel: config.DefaultMaxParallel},
			{name: "sequential", maxParallel: 1},
		} {
			b.Run(fmt.Sprintf("%s/%s", mode, fan.name), func(b *testing.B) {
				r := st.router(b, mode, fan.maxParallel)
				st.batch(b, r) // warms this router's connections
				st.waitIdle(b)
				for b.Loop() {
					st.batch(b, r)
					b.StopTimer()
					st.waitIdle(b) // async invocations finish outside the measurement, so batches never queue
					b.StartTimer()
				}
				st.checkEnvironments(b)

				ms := float64(b.Elapsed().Microseconds()) / 1000 / float64(b.N)
				perMode[mode][fan.name] = ms
				b.ReportMetric(ms, "ms/batch")
				b.ReportMetric(ms/float64(backendLatency.Milliseconds()), "xL")
				if par, ok := perMode[mode]["parallel"]; ok && fan.name == "sequential" {
					b.ReportMetric(ms/par, "x_parallel")
				}
				if sync, ok := perMode[config.ModeSync][fan.name]; ok && mode == config.ModeAsync {
					b.ReportMetric(ms/sync, "x_sync")
				}
			})
		}
	}
}

// fanoutStack is localaws with the tenant-worker as a PER_TENANT backend, its evidence queue, and a quarantine queue.
type fanoutStack struct {
	target        *target.Target
	lambda        *lambdasvc.Client
	sqs           *sqs.Client
	clients       traffic.Clients
	stack         traffic.Stack
	batchJSON     json.RawMessage
	tenants       []string
	invocations   int // backend invocations so far: 10 per batch
	requestNumber int
}

func startFanoutStack(b *testing.B) *fanoutStack {
	b.Helper()
	ctx := b.Context()
	// Only localaws can inject backend latency, so the benchmark always starts its own.
	tg, err := target.StartLocal(runtime.GOARCH, slog.New(slog.DiscardHandler))
	require.NoError(b, err)
	b.Cleanup(func() { _ = tg.Close() })
	cfg := tg.AWSConfig()
	st := &fanoutStack{target: tg, lambda: lambdasvc.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg),
		clients: traffic.NewClients(cfg)}

	st.stack = traffic.Stack{BackendFunction: fanoutBackend,
		EvidenceQueueURL: st.createQueue(b, "fanout-evidence"), QuarantineQueueURL: st.createQueue(b, "fanout-quarantine")}
	_, err = st.lambda.CreateFunction(ctx, &lambdasvc.CreateFunctionInput{
		FunctionName:  aws.String(fanoutBackend),
		Role:          aws.String(createBackendRole(b, cfg, st.stack.EvidenceQueueURL)),
		Runtime:       lambdatypes.RuntimeProvidedal2023,
		Handler:       aws.String("bootstrap"),
		Architectures: []lambdatypes.Architecture{hostArchitecture()},
		Code:          &lambdatypes.FunctionCode{ZipFile: buildWorkerZip(b)},
		Timeout:       aws.Int32(30),
		Environment: &lambdatypes.Environment{Variables: map[string]string{
			evidence.EnvQueueURL: st.stack.EvidenceQueueURL}},
		TenancyConfig: &lambdatypes.TenancyConfig{TenantIsolationMode: lambdatypes.TenantIsolationModePerTenant},
	})
	require.NoError(b, err)
	require.NoError(b, lambdasvc.NewFunctionActiveV2Waiter(st.lambda).Wait(ctx,
		&lambdasvc.GetFunctionInput{FunctionName: aws.String(fanoutBackend)}, time.Minute))
	require.NoError(b, tg.SetFaults(ctx, fanoutBackend, faults.Config{LatencyMS: backendLatency.Milliseconds()}))

	ev := events.SQSEvent{}
	for i := range fanoutTenants {
		t := fmt.Sprintf("tenant-%02d", i)
		st.tenants = append(st.tenants, t)
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: fmt.Sprintf("m-%02d", i), EventSourceARN: fanoutSourceARN, EventSource: "aws:sqs",
			Body: fmt.Sprintf(`{"tenantId":%q,"order":%d}`, t, i),
			MessageAttributes: map[string]events.SQSMessageAttribute{
				"tenantId": {DataType: "String", StringValue: aws.String(t)}},
		})
	}
	st.batchJSON, err = json.Marshal(ev)
	require.NoError(b, err)

	// One cold start per tenant, then proof that the worker ran for each tenant in its own environment.
	st.batch(b, st.router(b, config.ModeSync, config.DefaultMaxParallel))
	out, err := traffic.Collect(ctx, st.clients, st.stack, func(o *verdict.Outcome) (bool, error) {
		return len(o.Evidence) >= fanoutTenants, nil
	}, time.Minute)
	require.NoError(b, err)
	got := map[string]string{}
	for _, e := range out.Evidence {
		got[e.MessageID] = e.TenantID
	}
	for i, t := range st.tenants {
		require.Equal(b, t, got[ev.Records[i].MessageId], "evidence of %s", ev.Records[i].MessageId)
	}
	require.Len(b, out.Evidence, fanoutTenants, "one evidence record per message")
	require.Empty(b, out.Quarantine)
	st.checkEnvironments(b)
	return st
}

func (st *fanoutStack) createQueue(b *testing.B, name string) string {
	b.Helper()
	out, err := st.sqs.CreateQueue(b.Context(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	require.NoError(b, err)
	return aws.ToString(out.QueueUrl)
}

// router is the real router with real SDK clients against localaws, as lambda/router builds it.
func (st *fanoutStack) router(b *testing.B, mode config.Mode, maxParallel int) *router.Router {
	b.Helper()
	cfg := config.Config{
		BackendFunction:    fanoutBackend,
		QuarantineQueueURL: st.stack.QuarantineQueueURL,
		Mode:               mode,
		MaxParallel:        maxParallel,
		Sources: []config.Source{{Name: "orders", Kind: config.KindSQS, QueueARN: fanoutSourceARN,
			Rules: []tenant.Rule{{Type: tenant.RuleMessageAttribute, Name: "tenantId"}}}},
	}
	logger := slog.New(isolation.NewLogHandler(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})))
	r, err := router.New(cfg, st.lambda, st.sqs, logger)
	require.NoError(b, err)
	return r
}

// batch routes the batch once, as Lambda would call the router, and fails on any record not routed.
func (st *fanoutStack) batch(b *testing.B, r *router.Router) {
	st.requestNumber++
	ctx, cancel := context.WithTimeout(b.Context(), time.Minute)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: fmt.Sprintf("req-%d", st.requestNumber)})
	out, err := r.Handle(ctx, st.batchJSON)
	if err != nil {
		b.Fatal(err)
	}
	if f := out.(events.SQSEventResponse).BatchItemFailures; len(f) != 0 {
		b.Fatalf("%d of %d records failed: %v", len(f), fanoutTenants, f)
	}
	st.invocations += fanoutTenants
}

// waitIdle returns once the backend has run every invocation sent so far and all its environments are idle.
func (st *fanoutStack) waitIdle(b *testing.B) {
	deadline := time.Now().Add(time.Minute)
	for {
		envs := st.environments(b)
		n, busy := 0, false
		for _, e := range envs {
			n += e.Invocations
			busy = busy || e.State != "idle"
		}
		if n == st.invocations && !busy {
			return
		}
		if n > st.invocations || time.Now().After(deadline) {
			b.Fatalf("backend ran %d invocations, want %d (environments: %+v)", n, st.invocations, envs)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// checkEnvironments holds the figures to warm, isolated environments: exactly one per tenant, no replacements.
func (st *fanoutStack) checkEnvironments(b *testing.B) {
	b.Helper()
	st.waitIdle(b)
	perTenant := map[string]int{}
	for _, e := range st.environments(b) {
		perTenant[e.TenantID]++
	}
	want := map[string]int{}
	for _, t := range st.tenants {
		want[t] = 1
	}
	require.Equal(b, want, perTenant, "one warm environment per tenant, none started during the measurement")
}

func (st *fanoutStack) environments(b *testing.B) []verdict.Environment {
	all, err := st.target.Environments(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var envs []verdict.Environment
	for _, e := range all {
		if e.FunctionName == fanoutBackend {
			envs = append(envs, e)
		}
	}
	return envs
}

// buildWorkerZip builds lambda/tenant-worker for this host, as `make build` does for Lambda, and zips it.
func buildWorkerZip(b *testing.B) []byte {
	b.Helper()
	root, err := filepath.Abs("../..") // go test runs in the package's folder
	require.NoError(b, err)
	bin := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", bin, "./lambda/tenant-worker")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	out, err := build.CombinedOutput()
	require.NoError(b, err, "building lambda/tenant-worker: %s", out)
	content, err := os.ReadFile(bin)
	require.NoError(b, err)
	var zip bytes.Buffer
	require.NoError(b, lambdazip.Write(&zip, content))
	return zip.Bytes()
}

func hostArchitecture() lambdatypes.Architecture {
	if runtime.GOARCH == "arm64" {
		return lambdatypes.ArchitectureArm64
	}
	return lambdatypes.ArchitectureX8664
}

// createBackendRole is the backend's execution role: localaws enforces IAM, so the
// worker may write evidence only if its role allows it, as in AWS.
func createBackendRole(b *testing.B, cfg aws.Config, evidenceURL string) string {
	b.Helper()
	ctx := b.Context()
	c := iam.NewFromConfig(cfg)
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fanout-backend"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	require.NoError(b, err)
	queueARN, err := traffic.QueueARN(ctx, cfg, evidenceURL)
	require.NoError(b, err)
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("fanout-backend"),
		PolicyName: aws.String("evidence"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + queueARN + `"}]}`)})
	require.NoError(b, err)
	return aws.ToString(role.Role.Arn)
}
