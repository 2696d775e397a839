package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

const queueURL = "http://127.0.0.1:4566/000000000000/evidence"

type fakeSender struct {
	mu   sync.Mutex
	msgs []*sqs.SendMessageInput
	err  error
}

func (f *fakeSender) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	f.msgs = append(f.msgs, in)
	return &sqs.SendMessageOutput{}, nil
}

func (f *fakeSender) records(t *testing.T) []Record {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Record
	for _, m := range f.msgs {
		dec := json.NewDecoder(bytes.NewReader([]byte(aws.ToString(m.MessageBody))))
		dec.DisallowUnknownFields()
		var r Record
		require.NoError(t, dec.Decode(&r))
		out = append(out, r)
	}
	return out
}

func invocation(tenant string) context.Context {
	return lambdacontext.NewContext(context.Background(),
		&lambdacontext.LambdaContext{AwsRequestID: "req", TenantID: tenant})
}

func envelope(tenant, id string) isolation.Envelope {
	return isolation.Envelope{TenantID: tenant, Source: "orders", MessageID: id, Body: "{}"}
}

func newWorker(t *testing.T) (*Worker, *fakeSender, *bytes.Buffer) {
	t.Helper()
	snd := &fakeSender{}
	var logs bytes.Buffer
	w, err := New(snd, queueURL, slog.New(isolation.NewLogHandler(slog.NewJSONHandler(&logs, nil))))
	require.NoError(t, err)
	return w, snd, &logs
}

func TestWorkerWritesOneRecordPerInvocation(t *testing.T) {
	w, snd, _ := newWorker(t)
	for _, id := range []string{"m1", "m2", "m3"} {
		require.NoError(t, w.Handle(invocation("acme"), envelope("acme", id)))
	}
	recs := snd.records(t)
	require.Len(t, recs, 3)
	for i, r := range recs {
		assert.Equal(t, Record{
			TenantID:      "acme",
			EnvironmentID: w.EnvironmentID(),
			InvocationSeq: int64(i + 1),
			ColdStart:     i == 0,
			Source:        "orders",
			MessageID:     []string{"m1", "m2", "m3"}[i],
			PID:           os.Getpid(),
		}, r)
	}
	assert.Equal(t, queueURL, aws.ToString(snd.msgs[0].QueueUrl))
	assert.Len(t, w.EnvironmentID(), 32)
}

func TestRecordJSONFields(t *testing.T) {
	b, err := json.Marshal(Record{})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"tenant_id", "environment_id", "invocation_seq", "cold_start", "source",
		"message_id", "pid"}, keys)
}

func TestWorkerRefuses(t *testing.T) {
	tests := []struct {
		name    string
		first   string // tenant of an earlier, successful invocation, or ""
		ctx     context.Context
		env     isolation.Envelope
		wantErr error
		wantLog string
	}{
		{name: "invocation without a tenant fails", ctx: context.Background(), env: envelope("acme", "m1"),
			wantErr: isolation.ErrNoTenant, wantLog: "invocation without tenant"},
		{name: "payload naming another tenant fails", ctx: invocation("acme"), env: envelope("globex", "m1"),
			wantErr: ErrTenantMismatch, wantLog: "payload tenant mismatch"},
		{name: "empty payload fails", ctx: invocation("acme"), env: isolation.Envelope{},
			wantErr: ErrTenantMismatch},
		{name: "second tenant in one environment fails loudly", first: "acme", ctx: invocation("globex"),
			env: envelope("globex", "m2"), wantLog: `"msg":"isolation violated"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, snd, logs := newWorker(t)
			before := 0
			if tt.first != "" {
				require.NoError(t, w.Handle(invocation(tt.first), envelope(tt.first, "m1")))
				before = 1
			}
			err := w.Handle(tt.ctx, tt.env)
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				var v *isolation.ViolationError
				assert.True(t, errors.As(err, &v))
			}
			assert.Len(t, snd.msgs, before, "no evidence for a refused invocation")
			assert.Contains(t, logs.String(), tt.wantLog)
		})
	}
}

func TestSendFailureFailsTheInvocationAndKeepsTheSequence(t *testing.T) {
	w, snd, _ := newWorker(t)
	snd.err = errors.New("connection refused")
	require.Error(t, w.Handle(invocation("acme"), envelope("acme", "m1")))
	snd.err = nil
	require.NoError(t, w.Handle(invocation("acme"), envelope("acme", "m1")))
	recs := snd.records(t)
	require.Len(t, recs, 1)
	assert.Equal(t, int64(1), recs[0].InvocationSeq, "sequence numbers have no gaps")
	assert.True(t, recs[0].ColdStart)
}

func TestFIFOEvidenceQueue(t *testing.T) {
	snd := &fakeSender{}
	w, err := New(snd, queueURL+".fifo", nil)
	require.NoError(t, err)
	require.NoError(t, w.Handle(invocation("acme"), envelope("acme", "m1")))
	assert.Equal(t, "acme", aws.ToString(snd.msgs[0].MessageGroupId))
	assert.Equal(t, w.EnvironmentID()+"-1", aws.ToString(snd.msgs[0].MessageDeduplicationId))
}

func TestEnvironmentIDsDiffer(t *testing.T) {
	a, err := New(&fakeSender{}, queueURL, nil)
	require.NoError(t, err)
	b, err := New(&fakeSender{}, queueURL, nil)
	require.NoError(t, err)
	assert.NotEqual(t, a.EnvironmentID(), b.EnvironmentID())
}

func TestQueueURLFromEnv(t *testing.T) {
	tests := []struct {
		name string
		val  string
		err  string
	}{
		{name: "url is accepted", val: queueURL},
		{name: "unset names the variable and the fix", val: "", err: "EVIDENCE_QUEUE_URL: not set; set it to the URL"},
		{name: "arn is refused", val: "arn:aws:sqs:us-east-1:000000000000:evidence", err: "not a queue URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := QueueURLFromEnv(func(string) string { return tt.val })
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.val, got)
		})
	}
}
