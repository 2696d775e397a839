package eventbridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// payload is what the target receives: the event, Input verbatim, the value at
// InputPath, or the InputTransformer's template filled in.
func (t *target) payload(event []byte, ruleArn, ruleName string, ingested time.Time) ([]byte, error) {
	switch {
	case t.Input != nil:
		return []byte(*t.Input), nil
	case t.InputPath != nil:
		root, err := decodeJSON(event)
		if err != nil {
			return nil, err
		}
		path, err := parseJSONPath(*t.InputPath)
		if err != nil {
			return nil, err
		}
		v, _ := path.get(root)
		return json.Marshal(v)
	case t.InputTransformer != nil:
		return t.InputTransformer.apply(event, ruleArn, ruleName, ingested)
	default:
		return event, nil
	}
}

func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// jsonPath is the subset of JSONPath that EventBridge targets use: $, .name,
// ['name'] and [index].
type jsonPath []pathStep

type pathStep struct {
	name  string
	index int // used when name is empty
}

var pathStepRe = regexp.MustCompile(`^(?:\.([^.\[\]]+)|\['([^']*)'\]|\[(\d+)\])`)

func parseJSONPath(p string) (jsonPath, error) {
	rest, ok := strings.CutPrefix(p, "$")
	if !ok {
		return nil, fmt.Errorf("%q is not a JSONPath: it must start with $", p)
	}
	var path jsonPath
	for rest != "" {
		m := pathStepRe.FindStringSubmatch(rest)
		if m == nil {
			return nil, fmt.Errorf("%q is not a supported JSONPath near %q", p, rest)
		}
		switch {
		case m[1] != "":
			path = append(path, pathStep{name: m[1]})
		case m[3] != "":
			i, _ := strconv.Atoi(m[3])
			path = append(path, pathStep{index: i})
		default:
			path = append(path, pathStep{name: m[2]})
		}
		rest = rest[len(m[0]):]
	}
	return path, nil
}

// get returns the value at the path, and false when there is none.
func (p jsonPath) get(v any) (any, bool) {
	for _, step := range p {
		switch tv := v.(type) {
		case map[string]any:
			if step.name == "" {
				return nil, false
			}
			var ok bool
			if v, ok = tv[step.name]; !ok {
				return nil, false
			}
		case []any:
			if step.name != "" || step.index >= len(tv) {
				return nil, false
			}
			v = tv[step.index]
		default:
			return nil, false
		}
	}
	return v, true
}

var (
	placeholderRe  = regexp.MustCompile(`<([A-Za-z0-9_.\-]+)>`)
	inputPathKeyRe = regexp.MustCompile(`^[A-Za-z0-9_\-]+$`)
)

// Placeholders EventBridge fills in without an InputPathsMap entry.
const (
	phRuleArn       = "aws.events.rule-arn"
	phRuleName      = "aws.events.rule-name"
	phIngestionTime = "aws.events.event.ingestion-time"
	phEvent         = "aws.events.event"
	phEventJSON     = "aws.events.event.json"
)

func validateTransformer(it *InputTransformer) error {
	if it == nil {
		return nil
	}
	if it.InputTemplate == nil {
		return required("inputTransformer.inputTemplate", nil)
	}
	if err := constraint("inputTransformer.inputTemplate", *it.InputTemplate, nil, 1, 8192); err != nil {
		return err
	}
	if len(it.InputPathsMap) > 100 {
		return protocol.Validation("InputPathsMap must not have more than 100 entries.")
	}
	for k, p := range it.InputPathsMap {
		if !inputPathKeyRe.MatchString(k) || strings.HasPrefix(k, "aws.") {
			return protocol.Validation("Parameter InputPathsMap is not valid. Reason: %q is not a valid key.", k)
		}
		if _, err := parseJSONPath(p); err != nil {
			return protocol.Validation("Parameter InputPathsMap is not valid. Reason: %v", err)
		}
	}
	return nil
}

// apply fills the template. A placeholder inside a JSON string takes the value's
// text; elsewhere it takes the value's JSON, as EventBridge does.
func (it *InputTransformer) apply(event []byte, ruleArn, ruleName string, ingested time.Time) ([]byte, error) {
	root, err := decodeJSON(event)
	if err != nil {
		return nil, err
	}
	// aws.events.event is the envelope without its detail; .json is all of it.
	withoutDetail := map[string]any{}
	if obj, ok := root.(map[string]any); ok {
		for k, v := range obj {
			if k != "detail" {
				withoutDetail[k] = v
			}
		}
	}
	values := map[string]any{
		phRuleArn: ruleArn, phRuleName: ruleName, phIngestionTime: ingested.UTC().Format(time.RFC3339),
		phEvent: withoutDetail, phEventJSON: root,
	}
	for k, p := range it.InputPathsMap {
		path, err := parseJSONPath(p)
		if err != nil {
			return nil, err
		}
		values[k], _ = path.get(root) // a missing value renders as null
	}
	tmpl := *it.InputTemplate
	var out strings.Builder
	inString, last := false, 0
	for i := 0; i < len(tmpl); i++ {
		switch tmpl[i] {
		case '\\':
			i++
		case '"':
			inString = !inString
		case '<':
			m := placeholderRe.FindStringSubmatchIndex(tmpl[i:])
			if m == nil || m[0] != 0 {
				continue
			}
			v, known := values[tmpl[i+m[2]:i+m[3]]]
			if !known {
				continue
			}
			out.WriteString(tmpl[last:i])
			out.WriteString(render(v, inString))
			i += m[1] - 1
			last = i + 1
		}
	}
	out.WriteString(tmpl[last:])
	return []byte(out.String()), nil
}

func render(v any, inString bool) string {
	if v == nil && inString {
		return ""
	}
	b, _ := json.Marshal(v)
	if s, ok := v.(string); ok && inString {
		b, _ = json.Marshal(s)
		return string(b[1 : len(b)-1])
	}
	return string(b)
}
