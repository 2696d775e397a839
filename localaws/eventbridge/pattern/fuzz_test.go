package pattern_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge/pattern"
)

// seedPatterns cover every matcher and the ways a pattern can be wrong.
var seedPatterns = []string{
	`{"source":["aws.ec2"]}`,
	`{"detail":{"state":["initializing","running"]}}`,
	`{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`,
	`{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}`,
	`{"detail":{"state":[{"anything-but":["stopped","pending"]}]}}`,
	`{"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}}`,
	`{"detail":{"path":[{"wildcard":"/usr/*/x\\*y*"}]}}`,
	`{"detail":{"nothing":[null],"enabled":[true],"missing":[{"exists":false}]}}`,
	`{"$or":[{"source":["aws.s3"]},{"detail":{"nested":{"c1":[100]}}}]}`,
	`{"detail":{"service":[{"prefix":"Event"},{"equals-ignore-case":"eventbridge"}]}}`,
	`{"detail":{"account-number":[123456789012345678]}}`,
	`{"source":[{"anything-but":{"prefix":"aws."}}]}`,
	`{"source":"aws.ec2"}`,
	`{"source":[]}`,
	`{"detail":{"state":[{"wildcard":"a**"}]}}`,
	`{"detail":{"c-count":[{"numeric":[">",6e9]}]}}`,
	`{"$or":[{"source":["a"]}]}`,
	`[1,2]`,
	`{`,
	``,
}

// FuzzCompile feeds the compiler arbitrary text: it must refuse with a *pattern.Error or
// compile a pattern that matches the sample event the same way every time, never panic.
func FuzzCompile(f *testing.F) {
	for _, p := range seedPatterns {
		f.Add(p)
	}
	ev, err := pattern.ParseEvent([]byte(ec2Event))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := pattern.Compile(src)
		if err != nil {
			var perr *pattern.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Compile(%q) returned %T, want *pattern.Error: %v", src, err, err)
			}
			return
		}
		first := p.Matches(ev)
		again, err := pattern.Compile(src)
		if err != nil || again.Matches(ev) != first || p.Matches(ev) != first {
			t.Fatalf("Compile(%q) is not deterministic: %v", src, err)
		}
	})
}

// FuzzMatch matches arbitrary patterns with arbitrary events: MatchJSON must agree with
// Matches on the parsed event, and a pattern must accept or refuse the same event
// every time.
func FuzzMatch(f *testing.F) {
	events := []string{ec2Event, `{"source":"a","detail":{}}`, `{"detail":{"n":[1,2,{"x":null}]}}`, `[]`, `{"a":`}
	for i, p := range seedPatterns {
		f.Add(p, events[i%len(events)])
	}
	f.Fuzz(func(t *testing.T, src, event string) {
		p, err := pattern.Compile(src)
		if err != nil {
			return
		}
		ev, err := pattern.ParseEvent([]byte(event))
		got, jerr := p.MatchJSON([]byte(event))
		if (err == nil) != (jerr == nil) {
			t.Fatalf("ParseEvent error %v but MatchJSON error %v", err, jerr)
		}
		if err != nil {
			return
		}
		if want := p.Matches(ev); got != want || p.Matches(ev) != want {
			t.Fatalf("pattern %s on %s: MatchJSON %v, Matches %v", src, event, got, want)
		}
	})
}

// FuzzStringMatchers checks the string matchers against Go's own string functions on
// an event whose field holds value: exact and anything-but are each other's negation,
// prefix and suffix agree with strings.HasPrefix and strings.HasSuffix.
func FuzzStringMatchers(f *testing.F) {
	for _, s := range [][2]string{{"running", "running"}, {"run", "running"}, {"ning", "running"}, {"", "x"},
		{"é", "éa"}, {"a*b", "a*b"}, {"\x00", "\x00"}, {"x", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, operand, value string) {
		event, err := json.Marshal(map[string]any{"detail": map[string]any{"f": value}})
		if err != nil {
			t.Fatalf("marshal event: %v", err) // strings always marshal: invalid UTF-8 becomes U+FFFD
		}
		ev, err := pattern.ParseEvent(event)
		if err != nil {
			t.Fatalf("ParseEvent refused json.Marshal's output %q: %v", event, err)
		}
		op, _ := json.Marshal(operand)
		// What json.Marshal made of the strings (invalid UTF-8 becomes U+FFFD) is what the
		// event and the pattern hold.
		var o, v string
		_ = json.Unmarshal(op, &o)
		vb, _ := json.Marshal(value)
		_ = json.Unmarshal(vb, &v)
		cases := []struct {
			pattern string
			want    bool
		}{
			{`{"detail":{"f":[` + string(op) + `]}}`, v == o},
			{`{"detail":{"f":[{"anything-but":` + string(op) + `}]}}`, v != o},
			{`{"detail":{"f":[{"prefix":` + string(op) + `}]}}`, strings.HasPrefix(v, o)},
			{`{"detail":{"f":[{"suffix":` + string(op) + `}]}}`, strings.HasSuffix(v, o)},
		}
		for _, c := range cases {
			p, err := pattern.Compile(c.pattern)
			if err != nil {
				continue // e.g. an empty prefix, which AWS refuses too
			}
			if got := p.Matches(ev); got != c.want {
				t.Errorf("%s on %q: got %v, want %v", c.pattern, v, got, c.want)
			}
		}
	})
}
