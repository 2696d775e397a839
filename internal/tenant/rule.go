package tenant

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// RuleType names where a rule looks for the tenant ID. The values are those of ROUTER_SOURCES.
type RuleType string

// The rule types.
const (
	RuleMessageAttribute RuleType = "message_attribute" // an SQS message attribute; Name is required
	RuleMessageGroupID   RuleType = "message_group_id"  // the SQS MessageGroupId (FIFO and fair queues)
	RuleBodyPointer      RuleType = "body_pointer"      // an RFC 6901 pointer into a JSON body; Pointer is required
	RuleEventPointer     RuleType = "event_pointer"     // an RFC 6901 pointer into an EventBridge event; Pointer is required
)

// RuleTypes lists every rule type, in the order used in messages.
var RuleTypes = []RuleType{RuleMessageAttribute, RuleMessageGroupID, RuleBodyPointer, RuleEventPointer}

// Rule is one place to look for the tenant ID. Its JSON form is the one used in ROUTER_SOURCES.
type Rule struct {
	Type    RuleType `json:"type"`
	Name    string   `json:"name,omitempty"`    // message_attribute: the attribute name
	Pointer string   `json:"pointer,omitempty"` // body_pointer, event_pointer: the JSON pointer
	// Required makes a message without this rule's value missing_tenant, even when other rules found one, so that a
	// field the producer writes freely (a body pointer) never decides alone.
	Required bool `json:"required,omitempty"`
}

func (r Rule) String() string {
	switch r.Type {
	case RuleMessageAttribute:
		return fmt.Sprintf("message_attribute %q", r.Name)
	case RuleBodyPointer, RuleEventPointer:
		return fmt.Sprintf("%s %q", r.Type, r.Pointer)
	}
	return string(r.Type)
}

// Validate checks a rule on its own and returns an error that says how to fix it.
func (r Rule) Validate() error {
	_, err := compileRule(r)
	return err
}

// Input is the source-neutral view of a message that rules read.
type Input struct {
	// Attributes are the SQS message attributes (nil for a direct EventBridge event).
	Attributes map[string]events.SQSMessageAttribute
	// GroupID is the SQS MessageGroupId, or empty.
	GroupID string
	// Body is the SQS body, or for an EventBridge source the event JSON (the SQS body of a buffer queue, or the event
	// itself when EventBridge invokes the router directly).
	Body string
}

// DefaultMaxBodyBytes bounds the body a pointer rule will parse: the largest SQS message (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// Options tune an Extractor.
type Options struct {
	// MaxBodyBytes bounds the body that pointer rules parse; larger bodies are rejected as too_large.
	// Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int
}

// Extractor applies a source's rules and the checks to a message. It is safe for concurrent use.
type Extractor struct {
	rules   []compiled
	checker *Checker
	maxBody int
	parses  bool // some rule reads the body
}

type compiled struct {
	Rule
	ptr Pointer
}

func compileRule(r Rule) (compiled, error) {
	c := compiled{Rule: r}
	switch r.Type {
	case RuleMessageAttribute:
		if strings.TrimSpace(r.Name) == "" {
			return c, errors.New(`rule message_attribute needs "name", the attribute to read, for example "tenantId"`)
		}
		if r.Pointer != "" {
			return c, errors.New(`rule message_attribute takes "name", not "pointer"`)
		}
	case RuleMessageGroupID:
		if r.Name != "" || r.Pointer != "" {
			return c, errors.New(`rule message_group_id takes no "name" or "pointer"`)
		}
	case RuleBodyPointer, RuleEventPointer:
		if r.Name != "" {
			return c, fmt.Errorf(`rule %s takes "pointer", not "name"`, r.Type)
		}
		if r.Pointer == "" {
			return c, fmt.Errorf(`rule %s needs "pointer", an RFC 6901 JSON pointer such as "/tenantId"`, r.Type)
		}
		p, err := ParsePointer(r.Pointer)
		if err != nil {
			return c, fmt.Errorf("rule %s: %w", r.Type, err)
		}
		c.ptr = p
	case "":
		return c, fmt.Errorf(`rule has no "type"; use %s`, ruleTypeList())
	default:
		return c, fmt.Errorf("rule type %q unknown; use %s", r.Type, ruleTypeList())
	}
	return c, nil
}

func ruleTypeList() string {
	return "message_attribute, message_group_id, body_pointer or event_pointer"
}

// NewExtractor compiles rules. It fails when there are no rules or a rule is invalid; checker must not be nil.
func NewExtractor(rules []Rule, checker *Checker, opts Options) (*Extractor, error) {
	if len(rules) == 0 {
		return nil, errors.New("no rules; add at least one")
	}
	if checker == nil {
		return nil, errors.New("no checker")
	}
	e := &Extractor{checker: checker, maxBody: opts.MaxBodyBytes}
	if e.maxBody <= 0 {
		e.maxBody = DefaultMaxBodyBytes
	}
	for i, r := range rules {
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("rule %d: %w", i, err)
		}
		e.parses = e.parses || c.ptr.raw != ""
		e.rules = append(e.rules, c)
	}
	return e, nil
}

// Extract returns the message's tenant ID, or a *Rejection. Rules run in order; a rule that finds nothing is skipped,
// unless it is required.
// Each value found must pass AWS's rule, the pattern and the known-tenant list, and all values must be equal.
func (e *Extractor) Extract(in Input) (string, error) {
	if e.parses && len(in.Body) > e.maxBody {
		return "", Reject(ReasonTooLarge, "body is %d bytes; the limit for parsing is %d", len(in.Body), e.maxBody)
	}
	var (
		id    string
		from  *compiled
		found bool
	)
	for i := range e.rules {
		r := &e.rules[i]
		v, ok, rej := r.find(in)
		if rej != nil {
			return "", rej
		}
		if !ok {
			if r.Required {
				return "", Reject(ReasonMissing, "required rule %s found no tenant ID", r)
			}
			continue
		}
		if rej := e.checker.Check(v); rej != nil {
			rej.Detail = r.String() + ": " + rej.Detail
			return "", rej
		}
		if !found {
			id, from, found = v, r, true
			continue
		}
		if v != id {
			return "", Reject(ReasonMismatch, "%s found %s but %s found %s", from, quote(id), r, quote(v))
		}
	}
	if !found {
		return "", Reject(ReasonMissing, "no rule found a tenant ID (tried %s)", e.describe())
	}
	return id, nil
}

func (e *Extractor) describe() string {
	parts := make([]string, len(e.rules))
	for i, r := range e.rules {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// find runs one rule. It reports the raw value and whether there was one; checks come later.
func (r *compiled) find(in Input) (string, bool, *Rejection) {
	switch r.Type {
	case RuleMessageAttribute:
		a, ok := in.Attributes[r.Name]
		if !ok {
			return "", false, nil
		}
		// Number attributes carry their digits as a string; Binary ones cannot hold a tenant ID.
		if !strings.HasPrefix(a.DataType, "String") && !strings.HasPrefix(a.DataType, "Number") {
			return "", false, Reject(ReasonInvalid, "%s: attribute has data type %s; want String",
				r, quote(a.DataType))
		}
		if a.StringValue == nil {
			return "", false, Reject(ReasonInvalid, "%s: attribute has no string value", r)
		}
		return *a.StringValue, true, nil
	case RuleMessageGroupID:
		return in.GroupID, in.GroupID != "", nil
	default: // body_pointer, event_pointer
		l, rej := r.ptr.Resolve(in.Body)
		if rej != nil {
			rej.Detail = r.String() + ": " + rej.Detail
			return "", false, rej
		}
		if !l.Found {
			return "", false, nil
		}
		if l.Kind != KindString {
			return "", false, Reject(ReasonMalformed, "%s: value is %s; want a string", r, l.Kind)
		}
		return l.Str(), true, nil
	}
}
