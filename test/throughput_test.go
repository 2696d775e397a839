//go:build e2e

package test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/target"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// BenchmarkThroughput measures end-to-end throughput, from the first SQS send to the
// last backend completion, with 50 tenants and no faults; each iteration sends
// THROUGHPUT_MESSAGES (default 5,000) messages through one examples/complete, so the
// first one includes every environment's cold start and later ones run warm. Run it
// after `make build ARCH=amd64` (the host's), with PATH and TF_CLI_CONFIG_FILE from
// `scripts/tools.sh --print-env`:
//
//	go test -tags e2e -run '^$' -bench Throughput -benchtime 1x ./test/
func BenchmarkThroughput(b *testing.B) {
	messages := throughputMessages(b)
	s := newStack(b, "examples/complete", "tt", runner.DestroyOnAWS, true)
	terraform.InitAndApply(b, s.Options)
	stack, err := s.Outputs(b)
	require.NoError(b, err)

	// The measurement is a sub-benchmark, so that the apply above runs once whatever -benchtime asks.
	b.Run("sqs", func(b *testing.B) {
		var rate, cold, rssMean, rssMax float64
		for i := 0; i < b.N; i++ {
			r, err := traffic.Throughput(context.Background(), tg, stack, messages, 50, 4, 10*time.Minute)
			require.NoError(b, err)
			b.Logf("run %d: %s", i+1, r)
			rate += r.PerSecond()
			cold += r.ColdStartsPerTenant()
			mean, largest := r.RSSStats()
			rssMean, rssMax = rssMean+float64(mean), max(rssMax, float64(largest))
		}
		n := float64(b.N)
		b.ReportMetric(rate/n, "msg/s")
		b.ReportMetric(cold/n, "cold-starts/tenant")
		if tg.Local() {
			b.ReportMetric(rssMean/n, "rss-KB/env")
			b.ReportMetric(rssMax, "max-rss-KB/env")
		}
	})
}

// BenchmarkThroughputIAM compares end-to-end throughput with IAM enforcement on and off
// in one run: two localaws instances, one examples/complete each, measured in turns so
// that the machine's load falls on both alike. It reports each mode's msg/s and their
// ratio, on/off:
//
//	go test -tags e2e -run '^$' -bench ThroughputIAM -benchtime 3x ./test/
func BenchmarkThroughputIAM(b *testing.B) {
	if !tg.Local() {
		b.Skip("an account always enforces IAM: there is no off to compare with")
	}
	messages := throughputMessages(b)
	modes := []localaws.IAMMode{localaws.IAMOn, localaws.IAMOff}
	targets := make([]*target.Target, len(modes))
	stacks := make([]*runner.Stack, len(modes))
	for i, mode := range modes {
		t, err := target.StartLocalWith(tg.Arch, mode, slog.New(slog.DiscardHandler))
		require.NoError(b, err)
		b.Cleanup(func() { _ = t.Close() })
		targets[i] = t
		stacks[i] = runner.ForTest(b, t, repoRoot, dist, runner.Config{Example: "examples/complete",
			Name: "tp-" + strings.ToLower(random.UniqueId()), Teardown: runner.DestroyOnAWS, Quiet: true})
	}
	// Side by side: each apply mostly waits on the provider's waiters.
	errs := make([]error, len(modes))
	var wg sync.WaitGroup
	for i, s := range stacks {
		wg.Go(func() { _, errs[i] = terraform.InitAndApplyE(b, s.Options) })
	}
	wg.Wait()
	outputs := make([]traffic.Stack, len(modes))
	for i, s := range stacks {
		require.NoError(b, errs[i], "apply with IAM %s", modes[i])
		var err error
		outputs[i], err = s.Outputs(b)
		require.NoError(b, err)
	}

	run := func(b *testing.B, what string) []float64 {
		rates := make([]float64, len(modes))
		for i, mode := range modes {
			r, err := traffic.Throughput(context.Background(), targets[i], outputs[i], messages, 50, 4, 10*time.Minute)
			require.NoError(b, err, "IAM %s", mode)
			b.Logf("%s, IAM %s: %s", what, mode, r)
			rates[i] = r.PerSecond()
		}
		return rates
	}
	run(b, "cold run, not counted") // it also starts every environment, which would swamp the comparison
	b.Run("on-vs-off", func(b *testing.B) {
		rates := make([]float64, len(modes))
		for n := 0; n < b.N; n++ {
			for i, r := range run(b, fmt.Sprintf("run %d", n+1)) {
				rates[i] += r
			}
		}
		for i, mode := range modes {
			b.ReportMetric(rates[i]/float64(b.N), "msg/s-iam-"+string(mode))
		}
		b.ReportMetric(rates[0]/rates[1], "on/off")
	})
}

// throughputMessages is THROUGHPUT_MESSAGES, 5,000 by default.
func throughputMessages(b *testing.B) int {
	v := os.Getenv("THROUGHPUT_MESSAGES")
	if v == "" {
		return 5000
	}
	n, err := strconv.Atoi(v)
	require.NoError(b, err, "THROUGHPUT_MESSAGES")
	return n
}
