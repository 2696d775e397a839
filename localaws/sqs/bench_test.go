package sqs_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// BenchmarkSendReceiveDelete measures end-to-end throughput through the real SDK on
// loopback: producers send batches of ten, consumers receive up to ten and delete
// them in a batch. One op is one message. Run with e.g. -benchtime=20000x.
func BenchmarkSendReceiveDelete(b *testing.B) {
	h := newHarness(b, false)
	url := aws.String(h.createQueue("bench", nil))
	const producers, consumers, batch = 4, 4, 10
	body := aws.String(strings.Repeat("x", 256))
	attrs := map[string]types.MessageAttributeValue{"tenantId": str("String", "tenant-a")}
	total := int64(b.N)
	var claimed, done atomic.Int64
	var wg sync.WaitGroup
	ctx := context.Background()

	b.ResetTimer()
	start, cpuStart := time.Now(), cpuTime(b)
	for range producers {
		wg.Go(func() {
			for {
				first := claimed.Add(batch) - batch
				if first >= total {
					return
				}
				var entries []types.SendMessageBatchRequestEntry
				for i := first; i < min(first+batch, total); i++ {
					entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.FormatInt(i, 10)),
						MessageBody: body, MessageAttributes: attrs})
				}
				out, err := h.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries})
				if err != nil || len(out.Failed) > 0 {
					b.Errorf("send: %v %v", err, out)
					return
				}
			}
		})
	}
	for range consumers {
		wg.Go(func() {
			for done.Load() < total && !b.Failed() {
				out, err := h.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url,
					MaxNumberOfMessages: batch, WaitTimeSeconds: 1, MessageAttributeNames: []string{"All"}})
				if err != nil {
					b.Errorf("receive: %v", err)
					return
				}
				if len(out.Messages) == 0 {
					continue
				}
				entries := make([]types.DeleteMessageBatchRequestEntry, len(out.Messages))
				for i, m := range out.Messages {
					entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
						ReceiptHandle: m.ReceiptHandle}
				}
				del, err := h.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: entries})
				if err != nil || len(del.Failed) > 0 {
					b.Errorf("delete: %v %v", err, del)
					return
				}
				done.Add(int64(len(out.Messages)))
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime(b)-cpuStart
	b.StopTimer()
	if got := done.Load(); got != total {
		b.Fatalf("delivered %d of %d messages", got, total)
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "msgs/s")
	// CPU per message (server and SDK client together) does not depend on what else
	// the machine runs; two cores divided by it is the throughput two free cores allow.
	perMsg := cpu / time.Duration(total)
	b.ReportMetric(float64(perMsg.Microseconds()), "cpu-µs/msg")
	b.ReportMetric(2*float64(time.Second)/float64(perMsg), "msgs/s-per-2-cpus")
}

// cpuTime is the process's user and system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
