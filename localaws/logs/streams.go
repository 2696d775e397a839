package logs

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// logStream holds its events sorted by (timestamp, ingestion sequence).
type logStream struct {
	name          string
	created       int64
	events        []event
	lastIngestion int64
	storedBytes   int64
	// uploads counts PutLogEvents calls; it makes the (ignored) sequence tokens.
	uploads int64
}

type event struct {
	pos       position
	ingestion int64
	message   string
	stream    string
}

// position orders events: by timestamp, then by ingestion. Tokens and event IDs encode it.
type position struct {
	ts, seq int64
}

func (p position) less(q position) bool {
	return p.ts < q.ts || p.ts == q.ts && p.seq < q.seq
}

// String is the 56-digit form the service uses for event IDs and tokens.
func (p position) String() string { return fmt.Sprintf("%020d%036d", p.ts, p.seq) }

func parsePosition(s string) (position, bool) {
	var p position
	if len(s) != 56 {
		return p, false
	}
	if _, err := fmt.Sscanf(s[:20], "%d", &p.ts); err != nil {
		return p, false
	}
	if _, err := fmt.Sscanf(s[20:], "%d", &p.seq); err != nil {
		return p, false
	}
	return p, true
}

// LogStream is the service's LogStream shape. storedBytes is always 0 in the service
// (deprecated); the group carries the total.
type LogStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

func (s *Service) streamView(g *logGroup, st *logStream) LogStream {
	v := LogStream{
		LogStreamName: st.name, CreationTime: st.created, UploadSequenceToken: sequenceToken(st.uploads + 1),
		Arn: s.groupARN(g.name) + ":log-stream:" + st.name,
	}
	if n := len(st.events); n > 0 {
		first, last, ingested := st.events[0].pos.ts, st.events[n-1].pos.ts, st.lastIngestion
		v.FirstEventTimestamp, v.LastEventTimestamp, v.LastIngestionTime = &first, &last, &ingested
	}
	return v
}

// sequenceToken renders the n-th upload token. The service ignores tokens since 2023 but
// still returns them.
func sequenceToken(n int64) string { return fmt.Sprintf("%056d", n) }

func (g *logGroup) stream(name string) (*logStream, error) {
	st, ok := g.streams[name]
	if !ok {
		return nil, resourceNotFound("The specified log stream does not exist.")
	}
	return st, nil
}

// StreamInput is the CreateLogStream and DeleteLogStream request.
type StreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

// CreateLogStream creates an empty stream in a group.
func (s *Service) CreateLogStream(_ context.Context, in *StreamInput) (*struct{}, error) {
	if err := validateStreamName(in.LogStreamName); err != nil {
		return nil, err
	}
	now := s.nowMillis()
	return nil, s.withGroup(in.LogGroupName, func(g *logGroup) error {
		if _, exists := g.streams[in.LogStreamName]; exists {
			return resourceAlreadyExists("The specified log stream already exists")
		}
		g.streams[in.LogStreamName] = &logStream{name: in.LogStreamName, created: now}
		return nil
	})
}

// DeleteLogStream deletes a stream and its events, unless the group is protected.
func (s *Service) DeleteLogStream(_ context.Context, in *StreamInput) (*struct{}, error) {
	return nil, s.withGroup(in.LogGroupName, func(g *logGroup) error {
		if _, err := g.stream(in.LogStreamName); err != nil {
			return err
		}
		if err := g.checkDeletable(); err != nil {
			return err
		}
		delete(g.streams, in.LogStreamName)
		return nil
	})
}

// DescribeLogStreamsInput is the DescribeLogStreams request.
type DescribeLogStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          *bool   `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int32  `json:"limit"`
}

// DescribeLogStreamsOutput is the DescribeLogStreams response.
type DescribeLogStreamsOutput struct {
	LogStreams []LogStream `json:"logStreams"`
	NextToken  *string     `json:"nextToken,omitempty"`
}

// DescribeLogStreams lists streams by name (optionally under a prefix) or by the time of
// their last event.
func (s *Service) DescribeLogStreams(_ context.Context, in *DescribeLogStreamsInput) (*DescribeLogStreamsOutput, error) {
	byTime := false
	if in.OrderBy != nil {
		switch *in.OrderBy {
		case "LogStreamName":
		case "LastEventTime":
			byTime = true
		default:
			return nil, constraintError(*in.OrderBy, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
		}
	}
	if byTime && in.LogStreamNamePrefix != nil {
		return nil, invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	limit, err := streamPages.Size(in.Limit)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByNameOrIdentifier(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	out := []LogStream{}
	for _, st := range g.streams {
		if in.LogStreamNamePrefix == nil || strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
			out = append(out, s.streamView(g, st))
		}
	}
	lastEvent := func(v LogStream) int64 {
		if v.LastEventTimestamp == nil {
			return 0
		}
		return *v.LastEventTimestamp
	}
	sort.Slice(out, func(i, j int) bool {
		if byTime && lastEvent(out[i]) != lastEvent(out[j]) {
			return lastEvent(out[i]) < lastEvent(out[j])
		}
		return out[i].LogStreamName < out[j].LogStreamName
	})
	if in.Descending != nil && *in.Descending {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	page, next, err := shape.Page(streamPages, out, aws.ToString(in.NextToken), limit)
	if err != nil {
		return nil, err
	}
	return &DescribeLogStreamsOutput{LogStreams: page, NextToken: shape.OrNil(next)}, nil
}

// PutLogEvents limits, from the service's documentation.
const (
	maxBatchBytes    = 1_048_576
	eventOverhead    = 26
	maxBatchEvents   = 10_000
	maxFuture        = 2 * time.Hour
	maxAge           = 14 * day
	maxBatchTimeSpan = 24 * time.Hour
)

// InputLogEvent is one event of a PutLogEvents request.
type InputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

// PutLogEventsInput is the PutLogEvents request.
type PutLogEventsInput struct {
	LogGroupName  string          `json:"logGroupName"`
	LogStreamName string          `json:"logStreamName"`
	LogEvents     []InputLogEvent `json:"logEvents"`
	SequenceToken *string         `json:"sequenceToken"`
}

// RejectedLogEventsInfo says which events of a batch were dropped for their age.
type RejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

// PutLogEventsOutput is the PutLogEvents response.
type PutLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken"`
	RejectedLogEventsInfo *RejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// PutLogEvents appends a batch to a stream with the service's rules: the batch must be in
// chronological order, within the size and count limits, and its accepted events must
// span at most 24 hours. Events more than 2 hours ahead, older than 14 days or older than
// the retention are dropped and reported. The sequence token is ignored, as it is in the
// service since 2023.
func (s *Service) PutLogEvents(_ context.Context, in *PutLogEventsInput) (*PutLogEventsOutput, error) {
	if err := validateBatch(in.LogEvents); err != nil {
		return nil, err
	}
	now := s.nowMillis()
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	st, err := g.stream(in.LogStreamName)
	if err != nil {
		return nil, err
	}

	// The batch is sorted, so the too-old and expired events lead and the too-new trail.
	oldest := now - maxAge.Milliseconds()
	expiry := int64(-1)
	if g.retention != nil {
		expiry = now - int64(*g.retention)*day.Milliseconds()
	}
	newest := now + maxFuture.Milliseconds()
	tooOld, expired, tooNew := 0, 0, len(in.LogEvents)
	for i, e := range in.LogEvents {
		ts := *e.Timestamp
		if ts < oldest {
			tooOld = i + 1
		}
		if ts < expiry {
			expired = i + 1
		}
		if ts > newest && tooNew == len(in.LogEvents) {
			tooNew = i
		}
	}
	first := max(tooOld, expired)
	accepted := in.LogEvents[min(first, tooNew):tooNew]
	if n := len(accepted); n > 1 && *accepted[n-1].Timestamp-*accepted[0].Timestamp > maxBatchTimeSpan.Milliseconds() {
		return nil, invalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}

	sorted := len(st.events) == 0 || len(accepted) == 0 || st.events[len(st.events)-1].pos.ts <= *accepted[0].Timestamp
	for _, e := range accepted {
		s.seq++
		st.events = append(st.events, event{pos: position{*e.Timestamp, s.seq}, ingestion: now, message: *e.Message,
			stream: st.name})
		st.storedBytes += int64(len(*e.Message))
	}
	if !sorted {
		sort.SliceStable(st.events, func(i, j int) bool { return st.events[i].pos.less(st.events[j].pos) })
	}
	if len(accepted) > 0 {
		st.lastIngestion = now
	}
	st.uploads++

	out := &PutLogEventsOutput{NextSequenceToken: sequenceToken(st.uploads + 1)}
	if tooOld > 0 || expired > 0 || tooNew < len(in.LogEvents) {
		out.RejectedLogEventsInfo = &RejectedLogEventsInfo{}
		if tooOld > 0 {
			out.RejectedLogEventsInfo.TooOldLogEventEndIndex = &tooOld
		}
		if expired > 0 {
			out.RejectedLogEventsInfo.ExpiredLogEventEndIndex = &expired
		}
		if tooNew < len(in.LogEvents) {
			out.RejectedLogEventsInfo.TooNewLogEventStartIndex = &tooNew
		}
	}
	return out, nil
}

// validateBatch checks what fails a whole PutLogEvents request.
func validateBatch(events []InputLogEvent) error {
	if len(events) == 0 {
		return constraintError("[]", "logEvents", "Member must have length greater than or equal to 1")
	}
	if len(events) > maxBatchEvents {
		return constraintError(len(events), "logEvents", fmt.Sprintf("Member must have length less than or equal to %d", maxBatchEvents))
	}
	size := 0
	for i, e := range events {
		member := fmt.Sprintf("logEvents.%d.member", i+1)
		switch {
		case e.Timestamp == nil:
			return nullError(member + ".timestamp")
		case *e.Timestamp < 0:
			return constraintError(*e.Timestamp, member+".timestamp", "Member must have value greater than or equal to 0")
		case e.Message == nil:
			return nullError(member + ".message")
		case *e.Message == "":
			return constraintError("", member+".message", "Member must have length greater than or equal to 1")
		}
		if i > 0 && *e.Timestamp < *events[i-1].Timestamp {
			return invalidParameter("Log events in a single PutLogEvents request must be in chronological order.")
		}
		size += len(*e.Message) + eventOverhead
	}
	if size > maxBatchBytes {
		return invalidParameter("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	return nil
}

// withGroup runs fn under s.mu on the named log group.
func (s *Service) withGroup(name string, fn func(*logGroup) error) error {
	_, err := inGroup(s, name, func(g *logGroup) (struct{}, error) { return struct{}{}, fn(g) })
	return err
}
