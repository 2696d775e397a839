package logs

import (
	"context"
	"sort"
	"strings"
)

// Read limits: both reads return at most 10,000 events or 1 MB, whichever comes first.
const (
	maxReadEvents = 10_000
	maxReadBytes  = 1_048_576
)

// fits reports whether one more event still fits in a response of *size bytes, and counts it.
func fits(size *int, e event) bool {
	*size += len(e.message) + eventOverhead
	return *size <= maxReadBytes
}

// GetLogEventsInput is the GetLogEvents request.
type GetLogEventsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      string  `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int32  `json:"limit"`
	StartFromHead      *bool   `json:"startFromHead"`
}

// OutputLogEvent is one event of GetLogEvents.
type OutputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// GetLogEventsOutput is the GetLogEvents response.
type GetLogEventsOutput struct {
	Events            []OutputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// GetLogEvents reads one stream. Without a token it starts at the head when startFromHead
// is true, else it returns the newest events. A forward token ("f/...") continues after
// the last event returned and comes back unchanged at the end of the stream, so a reader
// can follow the stream by polling; a backward token ("b/...") pages towards older events.
func (s *Service) GetLogEvents(_ context.Context, in *GetLogEventsInput) (*GetLogEventsOutput, error) {
	limit, err := eventLimit.Size(in.Limit)
	if err != nil {
		return nil, err
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	var from position // forward: events after it; backward: events before it
	fromEnd := !forward
	if in.NextToken != nil {
		dir, p, _ := strings.Cut(*in.NextToken, "/")
		var ok bool
		if from, ok = parsePosition(p); !ok || (dir != "f" && dir != "b") {
			return nil, invalidParameter("The specified nextToken is invalid.")
		}
		forward, fromEnd = dir == "f", false
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByNameOrIdentifier(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	st, err := g.stream(in.LogStreamName)
	if err != nil {
		return nil, err
	}
	// endTime is exclusive here, unlike FilterLogEvents.
	inWindow := func(e event) bool {
		return (in.StartTime == nil || e.pos.ts >= *in.StartTime) && (in.EndTime == nil || e.pos.ts < *in.EndTime)
	}
	var picked []event
	size := 0
	if forward {
		for _, e := range st.events {
			if len(picked) == limit {
				break
			}
			if from.less(e.pos) && inWindow(e) {
				if !fits(&size, e) {
					break
				}
				picked = append(picked, e)
			}
		}
	} else {
		for i := len(st.events) - 1; i >= 0 && len(picked) < limit; i-- {
			e := st.events[i]
			if (fromEnd || e.pos.less(from)) && inWindow(e) {
				if !fits(&size, e) {
					break
				}
				picked = append(picked, e)
			}
		}
		for i, j := 0, len(picked)-1; i < j; i, j = i+1, j-1 {
			picked[i], picked[j] = picked[j], picked[i]
		}
	}

	out := &GetLogEventsOutput{Events: make([]OutputLogEvent, 0, len(picked))}
	for _, e := range picked {
		out.Events = append(out.Events, OutputLogEvent{Timestamp: e.pos.ts, Message: e.message, IngestionTime: e.ingestion})
	}
	fwd, back := from, from
	switch {
	case len(picked) > 0:
		fwd, back = picked[len(picked)-1].pos, picked[0].pos
	case forward:
		// At the end: the same forward token; backward from just after it.
		back = position{from.ts, from.seq + 1}
	case fromEnd:
		fwd, back = position{}, position{}
	}
	out.NextForwardToken, out.NextBackwardToken = "f/"+fwd.String(), "b/"+back.String()
	return out, nil
}

// FilterLogEventsInput is the FilterLogEvents request.
type FilterLogEventsInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int32   `json:"limit"`
}

// FilteredLogEvent is one event of FilterLogEvents.
type FilteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

// FilterLogEventsOutput is the FilterLogEvents response. searchedLogStreams is no longer
// returned by the service and is left out.
type FilterLogEventsOutput struct {
	Events    []FilteredLogEvent `json:"events"`
	NextToken *string            `json:"nextToken,omitempty"`
}

// FilterLogEvents searches a group's streams (all, a list, or a name prefix) for events
// matching a filter pattern, oldest first across streams; startTime and endTime are both
// inclusive.
func (s *Service) FilterLogEvents(_ context.Context, in *FilterLogEventsInput) (*FilterLogEventsOutput, error) {
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	if len(in.LogStreamNames) > 100 {
		return nil, constraintError(len(in.LogStreamNames), "logStreamNames", "Member must have length less than or equal to 100")
	}
	limit, err := eventLimit.Size(in.Limit)
	if err != nil {
		return nil, err
	}
	match := func(string) bool { return true }
	if in.FilterPattern != nil {
		if match, err = compileFilter(*in.FilterPattern); err != nil {
			return nil, invalidParameter("Invalid filter pattern: %v", err)
		}
	}
	var after position
	if in.NextToken != nil {
		var ok bool
		if after, ok = parsePosition(*in.NextToken); !ok {
			return nil, invalidParameter("The specified nextToken is invalid.")
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByNameOrIdentifier(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	var streams []*logStream
	if in.LogStreamNames != nil {
		for _, name := range in.LogStreamNames {
			if st, ok := g.streams[name]; ok {
				streams = append(streams, st)
			}
		}
	} else {
		for _, st := range g.streams {
			if in.LogStreamNamePrefix == nil || strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
				streams = append(streams, st)
			}
		}
	}
	var found []event
	for _, st := range streams {
		for _, e := range st.events {
			if after.less(e.pos) && (in.StartTime == nil || e.pos.ts >= *in.StartTime) &&
				(in.EndTime == nil || e.pos.ts <= *in.EndTime) && match(e.message) {
				found = append(found, e)
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].pos.less(found[j].pos) })

	out := &FilterLogEventsOutput{Events: []FilteredLogEvent{}}
	size := 0
	for i, e := range found {
		// The first event always goes out, whatever its size, so that paging progresses.
		if i == limit || !fits(&size, e) && i > 0 {
			next := found[i-1].pos.String()
			out.NextToken = &next
			break
		}
		out.Events = append(out.Events, FilteredLogEvent{LogStreamName: e.stream, Timestamp: e.pos.ts,
			Message: e.message, IngestionTime: e.ingestion, EventID: e.pos.String()})
	}
	return out, nil
}
