package eventbridge

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge/pattern"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// maxEntriesSize is the limit on the summed entry sizes of one PutEvents request:
// 1 MiB since AWS raised it from 256 KB in January 2026.
const maxEntriesSize = 1 << 20

const maxDetailTypeLength = 128

// PutEventsRequestEntry is one event of a PutEvents request.
type PutEventsRequestEntry struct {
	Source       *string
	DetailType   *string
	Detail       *string
	EventBusName *string
	Resources    []string
	Time         *protocol.EpochSeconds
	TraceHeader  *string
}

// PutEventsInput is the PutEvents request.
type PutEventsInput struct {
	Entries    []PutEventsRequestEntry
	EndpointId *string
}

// PutEventsResultEntry is the outcome of one entry: an EventId, or an error.
type PutEventsResultEntry struct {
	EventId      *string `json:",omitempty"`
	ErrorCode    *string `json:",omitempty"`
	ErrorMessage *string `json:",omitempty"`
}

// PutEventsOutput has one result per entry, in order.
type PutEventsOutput struct {
	Entries          []PutEventsResultEntry
	FailedEntryCount int
}

// envelope is the event as rules and targets see it, fields in AWS's order.
type envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// entrySize follows AWS's "Calculating PutEvents event entry size".
func entrySize(e *PutEventsRequestEntry) int {
	n := len(aws.ToString(e.Source)) + len(aws.ToString(e.DetailType)) + len(aws.ToString(e.Detail))
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// PutEvents validates each entry, answers with an EventId or an error per entry, and
// delivers each accepted event to the targets of the enabled rules it matches, in
// the background.
func (s *Service) PutEvents(_ context.Context, in *PutEventsInput) (*PutEventsOutput, error) {
	if len(in.Entries) < 1 || len(in.Entries) > 10 {
		return nil, validation(strconv.Itoa(len(in.Entries))+" entries", "entries",
			"Member must have length between 1 and 10")
	}
	total := 0
	for i := range in.Entries {
		total += entrySize(&in.Entries[i])
	}
	if total > maxEntriesSize {
		return nil, protocol.Validation("Total size of the entries in the request is over the limit.")
	}
	out := &PutEventsOutput{Entries: make([]PutEventsResultEntry, 0, len(in.Entries))}
	now := s.env.Clock.Now()
	for i := range in.Entries {
		env, code, msg := s.buildEvent(&in.Entries[i], now)
		if code != "" {
			out.Entries = append(out.Entries, PutEventsResultEntry{ErrorCode: &code, ErrorMessage: &msg})
			out.FailedEntryCount++
			continue
		}
		out.Entries = append(out.Entries, PutEventsResultEntry{EventId: aws.String(env.ID)})
		s.route(in.Entries[i].EventBusName, env, now)
	}
	return out, nil
}

// buildEvent validates an entry and builds its envelope, or returns an AWS per-entry
// error code and message.
func (s *Service) buildEvent(e *PutEventsRequestEntry, now time.Time) (*envelope, string, string) {
	missing := func(name string) (*envelope, string, string) {
		return nil, "InvalidArgument", "Parameter " + name + " is not valid. Reason: " + name +
			" is a required argument."
	}
	switch {
	case aws.ToString(e.Source) == "":
		return missing("Source")
	case aws.ToString(e.DetailType) == "":
		return missing("DetailType")
	case aws.ToString(e.Detail) == "":
		return missing("Detail")
	}
	if len(*e.DetailType) > maxDetailTypeLength {
		return nil, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters."
	}
	if strings.HasPrefix(*e.Source, "aws.") {
		return nil, "NotAuthorizedForSourceException", "Not authorized for the source."
	}
	detail := []byte(*e.Detail)
	if d := bytes.TrimSpace(detail); len(d) == 0 || d[0] != '{' || !json.Valid(d) {
		return nil, "MalformedDetail", "Detail is malformed."
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, detail)
	if e.EventBusName != nil && *e.EventBusName != "" && !busNameOrARN.MatchString(*e.EventBusName) {
		return nil, "InvalidArgument", "Parameter EventBusName is not valid. Reason: " + *e.EventBusName +
			" is not a valid event bus name or ARN."
	}
	t := now
	if e.Time != nil {
		t = e.Time.Time
	}
	resources := e.Resources
	if resources == nil {
		resources = []string{}
	}
	return &envelope{Version: "0", ID: core.NewUUID(), DetailType: *e.DetailType, Source: *e.Source,
		Account: s.env.Account, Time: t.UTC().Format(time.RFC3339), Region: s.env.Region, Resources: resources,
		Detail: compact.Bytes()}, "", ""
}

// route matches an accepted event against the bus's enabled rules and starts a
// delivery per target. Events to a bus that does not exist are accepted and
// dropped, as AWS does.
func (s *Service) route(busParam *string, env *envelope, now time.Time) {
	name, err := s.busName("eventBusName", busParam)
	if err != nil {
		s.env.Logger.Warn("eventbridge: event dropped", "eventId", env.ID, "reason", err.Error())
		return
	}
	body, err := json.Marshal(env)
	if err != nil {
		s.env.Logger.Error("eventbridge: cannot encode event", "eventId", env.ID, "err", err)
		return
	}
	ev, err := pattern.ParseEvent(body)
	if err != nil {
		s.env.Logger.Error("eventbridge: cannot parse event", "eventId", env.ID, "err", err)
		return
	}
	var jobs []delivery
	s.mu.Lock()
	b, ok := s.buses[name]
	if !ok {
		s.mu.Unlock()
		s.env.Logger.Warn("eventbridge: event to a bus that does not exist dropped", "eventId", env.ID, "bus", name)
		return
	}
	for _, rn := range sortedNames(b.rules) {
		r := b.rules[rn]
		if r.state == StateDisabled || r.compiled == nil || !r.compiled.Matches(ev) {
			continue
		}
		for _, t := range r.targets {
			jobs = append(jobs, delivery{eventID: env.ID, event: body, ruleArn: r.arn, ruleName: r.name,
				target: *t, ingested: now})
		}
	}
	s.mu.Unlock()
	for _, j := range jobs {
		s.start(j)
	}
}
