package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Event is a parsed event, shared by every pattern matched against it.
type Event struct {
	root any
}

// ParseEvent parses an event's JSON. Numbers keep their literal text, so that exact
// matches on numbers that cannot be compared numerically still work.
func ParseEvent(data []byte) (*Event, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("event is not a JSON object")
	}
	return &Event{root: v}, nil
}

// MatchJSON compiles nothing: it parses data and reports whether p matches it.
func (p *Pattern) MatchJSON(data []byte) (bool, error) {
	ev, err := ParseEvent(data)
	if err != nil {
		return false, err
	}
	return p.Matches(ev), nil
}
