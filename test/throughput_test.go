//go:build e2e

package test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
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
	messages := 5000
	if v := os.Getenv("THROUGHPUT_MESSAGES"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err, "THROUGHPUT_MESSAGES")
		messages = n
	}
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
