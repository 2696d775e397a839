// Package evidence is the logic of the example tenant worker: an isolated backend that checks its tenant and writes
// one evidence record per invocation to a queue, so that tests can prove that no execution environment ever served two
// tenants. With a tenant data table it also writes an item per invocation under its own tenant's key, with
// tenant-scoped credentials, and on a marked message tries to read another tenant's data, recording the refusal.
package evidence

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

// EnvQueueURL names the environment variable that holds the evidence queue's URL.
const EnvQueueURL = "EVIDENCE_QUEUE_URL"

// Sender is the part of the SQS client the worker uses.
type Sender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Record is one evidence message (docs/contracts.md).
type Record struct {
	TenantID      string `json:"tenant_id"`      // from the invocation context, never from the payload
	EnvironmentID string `json:"environment_id"` // random, made once per process
	InvocationSeq int64  `json:"invocation_seq"` // 1, 2, 3... within one environment
	ColdStart     bool   `json:"cold_start"`     // true on the environment's first record only
	Source        string `json:"source"`         // the router's source name
	MessageID     string `json:"message_id"`     // the SQS message ID or EventBridge event ID
	PID           int    `json:"pid"`
	// Data is what the invocation did in the tenant data table; absent when the worker has none.
	Data *DataRecord `json:"data,omitempty"`
}

// QueueURLFromEnv returns the evidence queue URL, or an error that says how to set it.
func QueueURLFromEnv(getenv func(string) string) (string, error) {
	u := strings.TrimSpace(getenv(EnvQueueURL))
	if u == "" {
		return "", fmt.Errorf("%s: not set; set it to the URL of the queue that receives evidence records", EnvQueueURL)
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return "", fmt.Errorf("%s: %q is not a queue URL; set it to the queue's URL, not its name or ARN", EnvQueueURL, u)
	}
	return u, nil
}

// ErrTenantMismatch is returned when the payload names another tenant than the invocation.
var ErrTenantMismatch = errors.New("evidence: payload tenant differs from the invocation tenant")

// Worker handles invocations of the example backend. Build one per process with New.
type Worker struct {
	snd      Sender
	queueURL string
	fifo     bool
	guard    *isolation.Guard
	log      *slog.Logger
	envID    string
	pid      int
	table    *tenantTable // nil without a tenant data table

	mu  sync.Mutex // held across the send, so that sequence numbers are written without gaps
	seq int64      // records written so far
}

// New returns a Worker with a fresh random environment ID. A nil logger means slog.Default().
func New(snd Sender, queueURL string, logger *slog.Logger) (*Worker, error) {
	if snd == nil {
		return nil, errors.New("evidence: a Sender is required")
	}
	if queueURL == "" {
		return nil, fmt.Errorf("evidence: no queue URL; set %s", EnvQueueURL)
	}
	if logger == nil {
		logger = slog.Default()
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("evidence: making the environment ID: %w", err)
	}
	return &Worker{
		snd:      snd,
		queueURL: queueURL,
		fifo:     strings.HasSuffix(queueURL, ".fifo"),
		guard:    isolation.NewGuard(logger),
		log:      logger,
		envID:    hex.EncodeToString(b[:]),
		pid:      os.Getpid(),
	}, nil
}

// EnvironmentID returns this process's random environment ID.
func (w *Worker) EnvironmentID() string { return w.envID }

// Handle is the Lambda handler. It fails the invocation when the context has no tenant, when this environment has
// served another tenant, when the payload names another tenant, or when the evidence cannot be written.
func (w *Worker) Handle(ctx context.Context, env isolation.Envelope) error {
	tenantID, err := w.guard.Check(ctx)
	if err != nil {
		return err
	}
	if env.TenantID != tenantID {
		w.log.LogAttrs(ctx, slog.LevelError, "payload tenant mismatch",
			slog.String("payloadTenantId", env.TenantID), slog.String("messageId", env.MessageID))
		return fmt.Errorf("%w: payload names %q, invocation is for %q", ErrTenantMismatch, env.TenantID, tenantID)
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	rec := Record{
		TenantID:      tenantID,
		EnvironmentID: w.envID,
		InvocationSeq: w.seq + 1,
		ColdStart:     w.seq == 0,
		Source:        env.Source,
		MessageID:     env.MessageID,
		PID:           w.pid,
	}
	if w.table != nil {
		if rec.Data, err = w.table.write(ctx, tenantID, rec, env.Body); err != nil {
			w.log.LogAttrs(ctx, slog.LevelError, "tenant data not written", slog.String("messageId", env.MessageID),
				slog.String("error", err.Error()))
			return err
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("evidence: encoding the record: %w", err)
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(w.queueURL), MessageBody: aws.String(string(b))}
	if w.fifo {
		in.MessageGroupId = aws.String(tenantID)
		in.MessageDeduplicationId = aws.String(w.envID + "-" + strconv.FormatInt(rec.InvocationSeq, 10))
	}
	if _, err := w.snd.SendMessage(ctx, in); err != nil {
		w.log.LogAttrs(ctx, slog.LevelError, "evidence not written", slog.String("messageId", env.MessageID),
			slog.String("error", err.Error()))
		return fmt.Errorf("evidence: sending the record: %w", err)
	}
	w.seq = rec.InvocationSeq
	w.log.LogAttrs(ctx, slog.LevelInfo, "evidence written",
		slog.String("messageId", env.MessageID),
		slog.String("source", env.Source),
		slog.String("environmentId", w.envID),
		slog.Int64("invocationSeq", rec.InvocationSeq),
		slog.Bool("coldStart", rec.ColdStart))
	return nil
}
