package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge/pattern"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Rule states of the API.
const (
	StateEnabled    = "ENABLED"
	StateDisabled   = "DISABLED"
	stateCloudTrail = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
)

// maxPatternLength is the EventPattern member's limit.
const maxPatternLength = 4096

var (
	rateExpr = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	cronExpr = regexp.MustCompile(`^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$`)
)

// PutRuleInput is the PutRule request.
type PutRuleInput struct {
	Name               *string
	ScheduleExpression *string
	EventPattern       *string
	State              *string
	Description        *string
	RoleArn            *string
	Tags               []Tag
	EventBusName       *string
}

// PutRuleOutput carries the rule's ARN.
type PutRuleOutput struct {
	RuleArn string
}

// PutRule creates or replaces a rule; an existing rule keeps its targets and tags.
// Schedule expressions are validated and stored; scheduled events are not generated.
func (s *Service) PutRule(_ context.Context, in *PutRuleInput) (*PutRuleOutput, error) {
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	if err := constraint("name", *in.Name, ruleNameRe, 1, 64); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		field string
		v     *string
		max   int
	}{{"eventPattern", in.EventPattern, maxPatternLength}, {"scheduleExpression", in.ScheduleExpression, 256},
		{"description", in.Description, 512}, {"roleArn", in.RoleArn, 1600}} {
		if err := optionalMax(c.field, c.v, c.max); err != nil {
			return nil, err
		}
	}
	state := StateEnabled
	if in.State != nil {
		state = *in.State
		if state != StateEnabled && state != StateDisabled && state != stateCloudTrail {
			return nil, validation(state, "state", "Member must satisfy enum value set: [ENABLED, DISABLED, "+
				stateCloudTrail+"]")
		}
	}
	busName, err := s.busName("eventBusName", in.EventBusName)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.EventPattern) == "" && aws.ToString(in.ScheduleExpression) == "" {
		return nil, protocol.Validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.ScheduleExpression != nil {
		if busName != DefaultBus {
			return nil, protocol.Validation("ScheduleExpression is supported only on the default event bus.")
		}
		if !validSchedule(*in.ScheduleExpression) {
			return nil, protocol.Validation("Parameter ScheduleExpression is not valid.")
		}
	}
	var compiled *pattern.Pattern
	if in.EventPattern != nil && *in.EventPattern != "" {
		if compiled, err = compilePattern(*in.EventPattern); err != nil {
			return nil, err
		}
	}
	add, err := tagList(in.Tags)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.lookupBus(busName)
	if err != nil {
		return nil, err
	}
	r, ok := b.rules[*in.Name]
	if !ok {
		r = &rule{name: *in.Name, arn: s.ruleARN(busName, *in.Name), busName: busName}
		b.rules[r.name] = r
	}
	if err := tagging.Merge(&r.tags, add); err != nil {
		return nil, err
	}
	r.eventPattern, r.compiled, r.scheduleExpression = in.EventPattern, compiled, in.ScheduleExpression
	r.state, r.description, r.roleArn = state, in.Description, in.RoleArn
	return &PutRuleOutput{RuleArn: r.arn}, nil
}

func validSchedule(expr string) bool {
	if m := rateExpr.FindStringSubmatch(expr); m != nil {
		// AWS wants the singular unit for 1 and the plural otherwise.
		return m[1] != "0" && (m[1] == "1") == !strings.HasSuffix(m[2], "s")
	}
	return cronExpr.MatchString(expr)
}

// compilePattern turns a pattern error into InvalidEventPatternException.
func compilePattern(src string) (*pattern.Pattern, error) {
	p, err := pattern.Compile(src)
	if err != nil {
		var pe *pattern.Error
		if errors.As(err, &pe) {
			return nil, protocol.Errorf(http.StatusBadRequest, "InvalidEventPatternException", "%s", pe.Error())
		}
		return nil, err
	}
	return p, nil
}

// RuleNameInput names a rule on a bus (DescribeRule, EnableRule, DisableRule).
type RuleNameInput struct {
	Name         *string
	EventBusName *string
}

// DescribeRuleOutput describes a rule: its ListRules entry and the account that made it.
type DescribeRuleOutput struct {
	RuleSummary
	CreatedBy string
}

// DescribeRule describes one rule.
func (s *Service) DescribeRule(_ context.Context, in *RuleNameInput) (*DescribeRuleOutput, error) {
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	return inRule(s, in.EventBusName, *in.Name, func(r *rule) (*DescribeRuleOutput, error) {
		return &DescribeRuleOutput{RuleSummary: r.summary(), CreatedBy: s.env.Account}, nil
	})
}

// EnableRule sets the rule's state to ENABLED.
func (s *Service) EnableRule(_ context.Context, in *RuleNameInput) (*struct{}, error) {
	return nil, s.setState(in, StateEnabled)
}

// DisableRule sets the rule's state to DISABLED: it stops matching events.
func (s *Service) DisableRule(_ context.Context, in *RuleNameInput) (*struct{}, error) {
	return nil, s.setState(in, StateDisabled)
}

func (s *Service) setState(in *RuleNameInput, state string) error {
	if err := required("name", in.Name); err != nil {
		return err
	}
	_, err := inRule(s, in.EventBusName, *in.Name, func(r *rule) (*struct{}, error) {
		r.state = state
		return nil, nil
	})
	return err
}

// DeleteRuleInput is the DeleteRule request.
type DeleteRuleInput struct {
	Name         *string
	EventBusName *string
	Force        bool
}

// DeleteRule deletes a rule that has no targets. A rule that does not exist is
// already deleted, as in AWS.
func (s *Service) DeleteRule(_ context.Context, in *DeleteRuleInput) (*struct{}, error) {
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, r, err := s.lookupRule(in.EventBusName, *in.Name)
	if b == nil {
		return nil, err
	}
	if r == nil {
		return nil, nil
	}
	if len(r.targets) > 0 {
		return nil, protocol.Validation("Rule can't be deleted since it has targets.")
	}
	delete(b.rules, r.name)
	return nil, nil
}

// ListRulesInput is the ListRules request.
type ListRulesInput struct {
	NamePrefix   *string
	EventBusName *string
	NextToken    *string
	Limit        *int32
}

// RuleSummary is one entry of ListRules, and most of DescribeRule.
type RuleSummary struct {
	Name               string
	Arn                string
	EventPattern       *string `json:",omitempty"`
	ScheduleExpression *string `json:",omitempty"`
	State              string
	Description        *string `json:",omitempty"`
	RoleArn            *string `json:",omitempty"`
	EventBusName       string
}

// ListRulesOutput is one page of rules, sorted by name.
type ListRulesOutput struct {
	Rules     []RuleSummary
	NextToken *string `json:",omitempty"`
}

// ListRules lists the rules of a bus whose name starts with NamePrefix.
func (s *Service) ListRules(_ context.Context, in *ListRulesInput) (*ListRulesOutput, error) {
	busName, err := s.busName("eventBusName", in.EventBusName)
	if err != nil {
		return nil, err
	}
	rules, next, err := listPage(s, in.NextToken, in.Limit, func() ([]RuleSummary, error) {
		b, err := s.lookupBus(busName)
		if err != nil {
			return nil, err
		}
		var all []RuleSummary
		for _, name := range sortedNames(b.rules) {
			if strings.HasPrefix(name, aws.ToString(in.NamePrefix)) {
				all = append(all, b.rules[name].summary())
			}
		}
		return all, nil
	})
	if err != nil {
		return nil, err
	}
	return &ListRulesOutput{Rules: rules, NextToken: next}, nil
}

func (r *rule) summary() RuleSummary {
	return RuleSummary{Name: r.name, Arn: r.arn, EventPattern: r.eventPattern,
		ScheduleExpression: r.scheduleExpression, State: r.state, Description: r.description,
		RoleArn: r.roleArn, EventBusName: r.busName}
}

// TestEventPatternInput is the TestEventPattern request.
type TestEventPatternInput struct {
	EventPattern *string
	Event        *string
}

// TestEventPatternOutput says whether the event matches.
type TestEventPatternOutput struct {
	Result bool
}

// eventMandatoryFields are the envelope fields TestEventPattern requires.
var eventMandatoryFields = []string{"id", "account", "source", "time", "region", "resources", "detail-type"}

// TestEventPattern matches one event against a pattern, as a rule would.
func (s *Service) TestEventPattern(_ context.Context, in *TestEventPatternInput) (*TestEventPatternOutput, error) {
	if err := required("eventPattern", in.EventPattern); err != nil {
		return nil, err
	}
	if err := required("event", in.Event); err != nil {
		return nil, err
	}
	p, err := compilePattern(*in.EventPattern)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*in.Event), &fields); err != nil {
		return nil, protocol.Validation("Parameter Event is not valid. Reason: the event is not a JSON object.")
	}
	for _, f := range eventMandatoryFields {
		if _, ok := fields[f]; !ok {
			return nil, protocol.Validation("Parameter Event is not valid. Reason: the event has no %q field.", f)
		}
	}
	ok, err := p.MatchJSON([]byte(*in.Event))
	if err != nil {
		return nil, protocol.Validation("Parameter Event is not valid. Reason: %v", err)
	}
	return &TestEventPatternOutput{Result: ok}, nil
}
