package eventbridge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// maxTargetsPerRule is AWS's quota of targets per rule.
const maxTargetsPerRule = 5

var (
	targetIDRe  = regexp.MustCompile(`^[.\-_A-Za-z0-9]+$`)
	targetARNRe = regexp.MustCompile(`^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$`)
)

// PutTargetsInput is the PutTargets request. Targets stay raw so that every member
// the client sent can be echoed back.
type PutTargetsInput struct {
	Rule         *string
	EventBusName *string
	Targets      []json.RawMessage
}

// TargetResultEntry is a failed entry of PutTargets or RemoveTargets.
type TargetResultEntry struct {
	TargetId     string
	ErrorCode    string
	ErrorMessage string
}

// TargetsOutput is the result of PutTargets and RemoveTargets.
type TargetsOutput struct {
	FailedEntryCount int
	FailedEntries    []TargetResultEntry
}

// PutTargets adds targets to a rule or replaces those with the same Id.
func (s *Service) PutTargets(_ context.Context, in *PutTargetsInput) (*TargetsOutput, error) {
	if err := required("rule", in.Rule); err != nil {
		return nil, err
	}
	if len(in.Targets) < 1 || len(in.Targets) > 10 {
		return nil, validation(strconv.Itoa(len(in.Targets))+" targets", "targets",
			"Member must have length between 1 and 10")
	}
	targets := make([]*target, 0, len(in.Targets))
	for i, raw := range in.Targets {
		t, err := parseTarget(raw, i+1)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return inRule(s, in.EventBusName, *in.Rule, func(r *rule) (*TargetsOutput, error) {
		merged := append([]*target(nil), r.targets...)
		for _, t := range targets {
			if i := indexOfTarget(merged, t.ID); i >= 0 {
				merged[i] = t
				continue
			}
			merged = append(merged, t)
		}
		if len(merged) > maxTargetsPerRule {
			return nil, protocol.Errorf(http.StatusBadRequest, "LimitExceededException",
				"The requested resource exceeds the maximum number allowed.")
		}
		r.targets = merged
		return &TargetsOutput{FailedEntries: []TargetResultEntry{}}, nil
	})
}

func indexOfTarget(ts []*target, id string) int {
	for i, t := range ts {
		if t.ID == id {
			return i
		}
	}
	return -1
}

// parseTarget validates one target; n is its 1-based position, used in messages.
func parseTarget(raw json.RawMessage, n int) (*target, error) {
	t := &target{}
	if err := json.Unmarshal(raw, t); err != nil {
		return nil, protocol.Errorf(http.StatusBadRequest, "SerializationException", "target %d: %v", n, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, protocol.Errorf(http.StatusBadRequest, "SerializationException", "target %d: %v", n, err)
	}
	t.raw = compact.Bytes()
	field := func(name string) string { return fmt.Sprintf("targets.%d.member.%s", n, name) }
	if t.ID == "" {
		return nil, required(field("id"), nil)
	}
	if err := constraint(field("id"), t.ID, targetIDRe, 1, 64); err != nil {
		return nil, err
	}
	if t.Arn == "" {
		return nil, required(field("arn"), nil)
	}
	if err := constraint(field("arn"), t.Arn, nil, 1, 1600); err != nil {
		return nil, err
	}
	if !targetARNRe.MatchString(t.Arn) {
		return nil, protocol.Validation("Parameter %s is not valid. Reason: Provided Arn is not in correct format.",
			t.Arn)
	}
	inputs := 0
	for _, set := range []bool{t.Input != nil, t.InputPath != nil, t.InputTransformer != nil} {
		if set {
			inputs++
		}
	}
	if inputs > 1 {
		return nil, protocol.Validation("Only one of Input, InputPath, or InputTransformer must be provided.")
	}
	if t.Input != nil && !json.Valid([]byte(*t.Input)) {
		return nil, protocol.Validation("Parameter Input is not valid. Reason: Input must be valid JSON text.")
	}
	if t.InputPath != nil {
		if _, err := parseJSONPath(*t.InputPath); err != nil {
			return nil, protocol.Validation("Parameter InputPath is not valid. Reason: %v", err)
		}
	}
	if err := validateTransformer(t.InputTransformer); err != nil {
		return nil, err
	}
	if p := t.RetryPolicy; p != nil {
		if v := p.MaximumRetryAttempts; v != nil && (*v < 0 || *v > maxRetryAttempts) {
			return nil, validation(strconv.Itoa(int(*v)), field("retryPolicy.maximumRetryAttempts"),
				fmt.Sprintf("Member must have value between 0 and %d", maxRetryAttempts))
		}
		if v := p.MaximumEventAgeInSeconds; v != nil && (*v < minEventAgeSeconds || *v > maxEventAgeSeconds) {
			return nil, validation(strconv.Itoa(int(*v)), field("retryPolicy.maximumEventAgeInSeconds"),
				fmt.Sprintf("Member must have value between %d and %d", minEventAgeSeconds, maxEventAgeSeconds))
		}
	}
	if d := t.DeadLetterConfig; d != nil && d.Arn != nil {
		q, err := shape.ParseQueueARN(*d.Arn)
		if err != nil {
			return nil, protocol.Validation("Parameter DeadLetterConfig.Arn is not valid. Reason: %v", err)
		}
		if q.FIFO() {
			return nil, protocol.Validation("Parameter DeadLetterConfig.Arn is not valid. Reason: " +
				"FIFO queues are not supported as dead-letter queues.")
		}
	}
	if q, err := shape.ParseQueueARN(t.Arn); err == nil && q.FIFO() &&
		(t.SqsParameters == nil || t.SqsParameters.MessageGroupId == nil) {
		return nil, protocol.Validation("Parameter(s) SqsParameters must be specified for target: %s.", t.ID)
	}
	return t, nil
}

// ListTargetsByRuleInput is the ListTargetsByRule request.
type ListTargetsByRuleInput struct {
	Rule         *string
	EventBusName *string
	NextToken    *string
	Limit        *int32
}

// ListTargetsByRuleOutput is one page of targets in the order they were added.
type ListTargetsByRuleOutput struct {
	Targets   []json.RawMessage
	NextToken *string `json:",omitempty"`
}

// ListTargetsByRule lists a rule's targets as they were put.
func (s *Service) ListTargetsByRule(_ context.Context, in *ListTargetsByRuleInput) (*ListTargetsByRuleOutput, error) {
	if err := required("rule", in.Rule); err != nil {
		return nil, err
	}
	targets, next, err := listPage(s, in.NextToken, in.Limit, func() ([]json.RawMessage, error) {
		_, r, err := s.lookupRule(in.EventBusName, *in.Rule)
		if err != nil {
			return nil, err
		}
		all := make([]json.RawMessage, 0, len(r.targets))
		for _, t := range r.targets {
			all = append(all, t.raw)
		}
		return all, nil
	})
	if err != nil {
		return nil, err
	}
	return &ListTargetsByRuleOutput{Targets: targets, NextToken: next}, nil
}

// RemoveTargetsInput is the RemoveTargets request.
type RemoveTargetsInput struct {
	Rule         *string
	EventBusName *string
	Ids          []string
	Force        bool
}

// RemoveTargets removes targets by Id; unknown Ids are failed entries.
func (s *Service) RemoveTargets(_ context.Context, in *RemoveTargetsInput) (*TargetsOutput, error) {
	if err := required("rule", in.Rule); err != nil {
		return nil, err
	}
	if len(in.Ids) < 1 || len(in.Ids) > 100 {
		return nil, validation(strconv.Itoa(len(in.Ids))+" ids", "ids", "Member must have length between 1 and 100")
	}
	return inRule(s, in.EventBusName, *in.Rule, func(r *rule) (*TargetsOutput, error) {
		out := &TargetsOutput{FailedEntries: []TargetResultEntry{}}
		for _, id := range in.Ids {
			i := indexOfTarget(r.targets, id)
			if i < 0 {
				out.FailedEntries = append(out.FailedEntries, TargetResultEntry{TargetId: id,
					ErrorCode: "ResourceNotFoundException", ErrorMessage: fmt.Sprintf(
						"Rule '%s' does not have a target with the Id '%s'.", r.name, id)})
				continue
			}
			r.targets = append(r.targets[:i:i], r.targets[i+1:]...)
		}
		out.FailedEntryCount = len(out.FailedEntries)
		return out, nil
	})
}

// ListRuleNamesByTargetInput is the ListRuleNamesByTarget request.
type ListRuleNamesByTargetInput struct {
	TargetArn    *string
	EventBusName *string
	NextToken    *string
	Limit        *int32
}

// ListRuleNamesByTargetOutput is one page of rule names.
type ListRuleNamesByTargetOutput struct {
	RuleNames []string
	NextToken *string `json:",omitempty"`
}

// ListRuleNamesByTarget lists the rules of a bus that have a target with this ARN.
func (s *Service) ListRuleNamesByTarget(_ context.Context, in *ListRuleNamesByTargetInput) (
	*ListRuleNamesByTargetOutput, error) {
	if err := required("targetArn", in.TargetArn); err != nil {
		return nil, err
	}
	busName, err := s.busName("eventBusName", in.EventBusName)
	if err != nil {
		return nil, err
	}
	names, next, err := listPage(s, in.NextToken, in.Limit, func() ([]string, error) {
		b, err := s.lookupBus(busName)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, name := range sortedNames(b.rules) {
			if slices.ContainsFunc(b.rules[name].targets, func(t *target) bool { return t.Arn == *in.TargetArn }) {
				names = append(names, name)
			}
		}
		return names, nil
	})
	if err != nil {
		return nil, err
	}
	return &ListRuleNamesByTargetOutput{RuleNames: names, NextToken: next}, nil
}
