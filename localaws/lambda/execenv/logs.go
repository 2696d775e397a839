package execenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

const (
	// maxEventBytes is CloudWatch Logs' event size limit (256 KiB less 26 bytes of overhead).
	maxEventBytes = 256*1024 - 26
	// Batches stay well inside PutLogEvents' limits of 10,000 events and 1 MiB.
	maxBatchEvents = 1000
	maxBatchBytes  = 900 * 1024
	// flushDelay batches a busy environment's lines into few PutLogEvents calls; log
	// shipping was the largest cost of localaws under load at 200 ms.
	flushDelay = time.Second
	shipQueue  = 4096
)

// logClient is one CloudWatch Logs client, built on first use because the server's URL
// is known only once it listens.
type logClient struct {
	env *core.Env
	// creds sign the calls: the execution role's session, as Lambda ships logs with the
	// function's role; nil uses the server's own keys.
	creds  aws.CredentialsProvider
	once   sync.Once
	client *cloudwatchlogs.Client
}

// get retries through core.DeliveryAWSConfig: one bad loopback connection must not turn
// shipping off for an environment's life.
func (c *logClient) get() *cloudwatchlogs.Client {
	c.once.Do(func() {
		cfg := c.env.DeliveryAWSConfig()
		if c.creds != nil {
			cfg = c.env.DeliveryAWSConfigAs(c.creds)
		}
		c.client = cloudwatchlogs.NewFromConfig(cfg)
	})
	return c.client
}

// logSink is an environment's log: a plain file copy, and a stream in the function's
// log group fed in the background so that logging never holds up an invocation.
type logSink struct {
	clock   core.Clock
	logger  *slog.Logger
	format  string
	version string
	envID   string
	path    string

	mu      sync.Mutex
	file    *os.File
	out     syscall.RawConn // read end of the process output, nil once it is closed
	buf     []byte
	partial []byte // output after the last newline
	lastMS  int64
	ship    chan types.InputLogEvent
	closed  bool
	dropped int
}

func (p *Pool) newLogSink(e *environment) (*logSink, error) {
	path := filepath.Join(e.dir, "output.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("execenv: log file: %w", err)
	}
	return &logSink{clock: p.env.Clock, logger: p.env.Logger, format: e.fn.LogFormat, version: e.fn.Version,
		envID: e.id, path: path, file: f, ship: make(chan types.InputLogEvent, shipQueue), buf: make([]byte, 64*1024)}, nil
}

// discard closes a sink whose shipper never started.
func (s *logSink) discard() { _ = s.file.Close() }

// lineLocked appends one event with s.mu held; timestamps never go backwards within a
// stream, as PutLogEvents requires.
func (s *logSink) lineLocked(msg string) {
	if s.closed {
		return
	}
	ts := max(s.clock.Now().UnixMilli(), s.lastMS)
	s.lastMS = ts
	_, _ = s.file.WriteString(msg + "\n")
	select {
	case s.ship <- types.InputLogEvent{Message: aws.String(msg), Timestamp: aws.Int64(ts)}:
	default:
		s.dropped++
	}
}

// pump turns the process output into events, one per line, split at the event size
// limit. Every read of the pipe happens under the sink's lock, so that drainLocked can
// take what is already written without reordering it.
func (s *logSink) pump(r *os.File) {
	defer r.Close()
	rc, err := r.SyscallConn()
	if err != nil {
		return
	}
	s.mu.Lock()
	s.out = rc
	s.mu.Unlock()
	for {
		eof := false
		err := rc.Read(func(fd uintptr) bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			n, err := s.readLocked(fd)
			if errors.Is(err, syscall.EAGAIN) {
				return false // wait until the pipe is readable
			}
			eof = n == 0 || err != nil
			return true
		})
		if eof || err != nil {
			s.mu.Lock()
			if len(s.partial) > 0 {
				s.lineLocked(string(s.partial))
				s.partial = nil
			}
			s.out = nil
			s.mu.Unlock()
			return
		}
	}
}

// readLocked reads once from the pipe and logs every complete line.
func (s *logSink) readLocked(fd uintptr) (int, error) {
	var n int
	var err error
	for {
		n, err = syscall.Read(int(fd), s.buf)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if n <= 0 {
		return n, err
	}
	s.partial = append(s.partial, s.buf[:n]...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		s.lineLocked(string(s.partial[:i]))
		s.partial = s.partial[i+1:]
	}
	for len(s.partial) >= maxEventBytes {
		s.lineLocked(string(s.partial[:maxEventBytes]))
		s.partial = s.partial[maxEventBytes:]
	}
	s.partial = append([]byte(nil), s.partial...) // do not pin a large read
	return n, nil
}

// drainLocked logs what the process has already written. The runtime writes its
// output before it answers, so draining before START and END keeps each invocation's
// output between them.
func (s *logSink) drainLocked() {
	if s.out == nil {
		return
	}
	_ = s.out.Control(func(fd uintptr) {
		for {
			if n, err := s.readLocked(fd); n <= 0 || err != nil {
				return
			}
		}
	})
}

// platform writes lines of the platform after the process output written so far.
func (s *logSink) platform(lines ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drainLocked()
	for _, l := range lines {
		s.lineLocked(l)
	}
}

// close logs what is left in the pipe and stops the sink.
func (s *logSink) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.drainLocked()
	s.closed = true
	close(s.ship)
	_ = s.file.Close()
	if s.dropped > 0 {
		s.logger.Warn("lambda log events dropped: the log service did not keep up", "environment", s.envID,
			"dropped", s.dropped, "file", s.path)
	}
}

// shipper batches events into PutLogEvents calls, creating the stream on first use, and
// the log group too when it does not exist, as Lambda does. A group or stream that cannot
// be created, or a log service still unreachable after core.DeliveryAttempts tries, turns
// shipping off for this environment with one warning; the file copy carries on.
func (s *logSink) shipper(c *logClient, group, stream string) {
	var (
		batch   []types.InputLogEvent
		size    int
		flushC  <-chan time.Time
		created bool
		off     bool
	)
	flush := func() {
		defer func() { batch, size, flushC = nil, 0, nil }()
		if off || len(batch) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		client := c.get()
		if !created {
			if err := createStream(ctx, client, group, stream); err != nil {
				off = true
				s.logger.Warn("lambda logs go to the file copy only: cannot create the log group or stream",
					"logGroup", group, "logStream", stream, "file", s.path, "err", err)
				return
			}
			created = true
		}
		if _, err := client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
			LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: batch}); err != nil {
			off = true
			s.logger.Warn("lambda logs go to the file copy only: PutLogEvents failed",
				"logGroup", group, "logStream", stream, "file", s.path, "err", err)
		}
	}
	for {
		select {
		case ev, ok := <-s.ship:
			if !ok {
				flush()
				return
			}
			if off {
				continue
			}
			batch = append(batch, ev)
			size += len(*ev.Message) + 26
			if len(batch) >= maxBatchEvents || size >= maxBatchBytes {
				flush()
			} else if flushC == nil {
				flushC = time.After(flushDelay)
			}
		case <-flushC:
			flush()
		}
	}
}

// createStream creates the environment's stream, and first its log group when that does
// not exist: Lambda creates the function's group on its first output, without tags.
// Creations that race another environment's count as done. Signed with the execution
// role's session, the group is created only if the role allows logs:CreateLogGroup, and
// the stream and events need logs:CreateLogStream and logs:PutLogEvents, as in AWS.
func createStream(ctx context.Context, client *cloudwatchlogs.Client, group, stream string) error {
	in := &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}
	_, err := client.CreateLogStream(ctx, in)
	if missing := (*types.ResourceNotFoundException)(nil); errors.As(err, &missing) {
		_, err = client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)})
		if err == nil || alreadyExists(err) {
			_, err = client.CreateLogStream(ctx, in)
		}
	}
	if alreadyExists(err) {
		return nil
	}
	return err
}

func alreadyExists(err error) bool {
	var exists *types.ResourceAlreadyExistsException
	return errors.As(err, &exists)
}

// start writes Lambda's START line (or platform.start event for JSON logs).
func (s *logSink) start(inv *invocation) {
	if s.format == "JSON" {
		s.platform(s.platformEvent("platform.start", platformRecord{RequestID: inv.id, Version: s.version,
			TenantID: inv.tenant}))
		return
	}
	s.platform(fmt.Sprintf("START RequestId: %s Version: %s", inv.id, s.version))
}

// initStart is Lambda's INIT_START line (platform.initStart for JSON logs), naming the
// host interpreter and its version that run a managed runtime here.
func (s *logSink) initStart(in *interpreter) string {
	if s.format == "JSON" {
		return s.platformEvent("platform.initStart", platformRecord{InitializationType: "on-demand", Phase: "init",
			RuntimeVersion: in.runtime, Interpreter: in.path, InterpreterVersion: in.version})
	}
	return in.initLine()
}

// platformRecord is the record of a platform event.
type platformRecord struct {
	InitializationType string `json:"initializationType,omitempty"`
	Phase              string `json:"phase,omitempty"`
	RuntimeVersion     string `json:"runtimeVersion,omitempty"`
	Interpreter        string `json:"interpreter,omitempty"`
	InterpreterVersion string `json:"interpreterVersion,omitempty"`

	RequestID string         `json:"requestId,omitempty"`
	Version   string         `json:"version,omitempty"`
	Metrics   *reportMetrics `json:"metrics,omitempty"`
	Status    string         `json:"status,omitempty"`
	ErrorType string         `json:"errorType,omitempty"`
	TenantID  string         `json:"tenantId,omitempty"`
}

type reportMetrics struct {
	DurationMs       float64 `json:"durationMs"`
	BilledDurationMs int64   `json:"billedDurationMs"`
	MemorySizeMB     int     `json:"memorySizeMB"`
	MaxMemoryUsedMB  int     `json:"maxMemoryUsedMB"`
	InitDurationMs   float64 `json:"initDurationMs,omitempty"`
}

// report writes the END and REPORT lines (platform.report for JSON logs). For provided
// runtimes Lambda bills the init phase of a cold start too.
func (s *logSink) report(inv *invocation, out outcome, dur, initDur time.Duration, memoryMB, maxUsedMB int) {
	billed := int64(math.Ceil(ms(dur + initDur)))
	if s.format == "JSON" {
		rec := platformRecord{RequestID: inv.id, Status: statusName(out.status), TenantID: inv.tenant,
			Metrics: &reportMetrics{DurationMs: round2(ms(dur)), BilledDurationMs: billed, MemorySizeMB: memoryMB,
				MaxMemoryUsedMB: maxUsedMB, InitDurationMs: round2(ms(initDur))}}
		if out.status != statusSuccess {
			rec.ErrorType = out.errorType
		}
		s.platform(s.platformEvent("platform.report", rec))
		return
	}
	var lines []string
	if out.status == statusTimeout {
		lines = append(lines, fmt.Sprintf("%s %s Task timed out after %.2f seconds",
			s.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z"), inv.id, dur.Seconds()))
	}
	report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\t"+
		"Max Memory Used: %d MB\t", inv.id, ms(dur), billed, memoryMB, maxUsedMB)
	if initDur > 0 {
		report += fmt.Sprintf("Init Duration: %.2f ms\t", ms(initDur))
	}
	switch {
	case out.status == statusTimeout:
		report += "Status: timeout"
	case out.fatal:
		report += "Status: error\tError Type: " + out.errorType
	}
	s.platform(append(lines, "END RequestId: "+inv.id, report)...)
}

func (s *logSink) platformEvent(typ string, record platformRecord) string {
	b, _ := json.Marshal(struct {
		Time   string         `json:"time"`
		Type   string         `json:"type"`
		Record platformRecord `json:"record"`
	}{s.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z"), typ, record})
	return string(b)
}

func statusName(st status) string {
	return [...]string{"success", "error", "timeout"}[st]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func round2(f float64) float64 { return math.Round(f*100) / 100 }
