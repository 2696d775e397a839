package eventbridge

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// DefaultBus is the bus every account has and that cannot be deleted.
const DefaultBus = "default"

// Service holds the EventBridge state of the one account and region localaws serves.
type Service struct {
	protocol.JSONService
	env *core.Env

	// SQS and Lambda are the clients deliveries use. Nil means real SDK clients
	// pointed back at this server; tests substitute fakes before the server starts.
	SQS    SQSSender
	Lambda LambdaInvoker
	// Backoff spaces delivery retries; see DefaultBackoff.
	Backoff Backoff

	mu     sync.Mutex
	buses  map[string]*bus
	closed bool

	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	clientsMu sync.Mutex
}

// New builds the service with its default bus.
func New(env *core.Env) *Service {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{env: env, buses: map[string]*bus{}, Backoff: DefaultBackoff, ctx: ctx, cancel: cancel}
	now := env.Clock.Now()
	s.buses[DefaultBus] = &bus{name: DefaultBus, arn: s.busARN(DefaultBus), created: now, modified: now,
		rules: map[string]*rule{}}
	s.JSONService = protocol.JSONService{Name: "events", TargetPrefix: "AWSEvents", Version: "1.1",
		Logger: env.Logger,
		Ops: map[string]protocol.JSONOp{
			"CreateEventBus":        protocol.Op(s.CreateEventBus),
			"DescribeEventBus":      protocol.Op(s.DescribeEventBus),
			"UpdateEventBus":        protocol.Op(s.UpdateEventBus),
			"DeleteEventBus":        protocol.Op(s.DeleteEventBus),
			"ListEventBuses":        protocol.Op(s.ListEventBuses),
			"PutRule":               protocol.Op(s.PutRule),
			"DescribeRule":          protocol.Op(s.DescribeRule),
			"ListRules":             protocol.Op(s.ListRules),
			"EnableRule":            protocol.Op(s.EnableRule),
			"DisableRule":           protocol.Op(s.DisableRule),
			"DeleteRule":            protocol.Op(s.DeleteRule),
			"TestEventPattern":      protocol.Op(s.TestEventPattern),
			"PutTargets":            protocol.Op(s.PutTargets),
			"ListTargetsByRule":     protocol.Op(s.ListTargetsByRule),
			"RemoveTargets":         protocol.Op(s.RemoveTargets),
			"ListRuleNamesByTarget": protocol.Op(s.ListRuleNamesByTarget),
			"TagResource":           protocol.Op(s.TagResource),
			"UntagResource":         protocol.Op(s.UntagResource),
			"ListTagsForResource":   protocol.Op(s.ListTagsForResource),
			"PutEvents":             protocol.Op(s.PutEvents),
		}}
	return s
}

// Close stops every delivery in flight, including those waiting to retry.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}

// ownResource returns the resource of an ARN of this service, account and region.
func (s *Service) ownResource(arn string) (string, bool) {
	return shape.ResourceIn(arn, "events", s.env.Region, s.env.Account)
}

func (s *Service) busARN(name string) string {
	return s.env.ARN("events", s.env.Region, "event-bus/"+name)
}

// ruleARN follows AWS: rule/<name> on the default bus, rule/<bus>/<name> elsewhere.
func (s *Service) ruleARN(busName, name string) string {
	if busName == DefaultBus {
		return s.env.ARN("events", s.env.Region, "rule/"+name)
	}
	return s.env.ARN("events", s.env.Region, "rule/"+busName+"/"+name)
}

var (
	busNameOrARN = regexp.MustCompile(`^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus/)?[/.\-_A-Za-z0-9]+$`)
	busNameRe    = regexp.MustCompile(`^[/.\-_A-Za-z0-9]+$`)
	ruleNameRe   = regexp.MustCompile(`^[.\-_A-Za-z0-9]+$`)
)

// busName resolves an EventBusName parameter (name or ARN, default when empty).
func (s *Service) busName(field string, v *string) (string, error) {
	if v == nil || *v == "" {
		return DefaultBus, nil
	}
	if err := constraint(field, *v, busNameOrARN, 1, 1600); err != nil {
		return "", err
	}
	name := *v
	if strings.HasPrefix(name, "arn:") {
		resource, _ := s.ownResource(name)
		busName, ok := strings.CutPrefix(resource, "event-bus/")
		if !ok {
			return "", protocol.NotFound("ResourceNotFoundException", "Event bus %s does not exist.", name)
		}
		name = busName
	}
	return name, nil
}

// lookupBus must be called with s.mu held.
func (s *Service) lookupBus(name string) (*bus, error) {
	b, ok := s.buses[name]
	if !ok {
		return nil, protocol.NotFound("ResourceNotFoundException", "Event bus %s does not exist.", name)
	}
	return b, nil
}

// lookupRule must be called with s.mu held.
func (s *Service) lookupRule(busParam *string, name string) (*bus, *rule, error) {
	busName, err := s.busName("eventBusName", busParam)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.lookupBus(busName)
	if err != nil {
		return nil, nil, err
	}
	r, ok := b.rules[name]
	if !ok {
		return b, nil, protocol.NotFound("ResourceNotFoundException", "Rule %s does not exist on EventBus %s.", name,
			busName)
	}
	return b, r, nil
}

// inBus runs fn under s.mu on the named bus.
func inBus[T any](s *Service, name string, fn func(*bus) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*bus, error) { return s.lookupBus(name) }, fn)
}

// inRule runs fn under s.mu on the named rule of the bus that busParam names.
func inRule[T any](s *Service, busParam *string, name string, fn func(*rule) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*rule, error) {
		_, r, err := s.lookupRule(busParam, name)
		return r, err
	}, fn)
}

// listPage collects a List* call's entries under s.mu and cuts one page of them, an
// empty list rather than null.
func listPage[T any](s *Service, token *string, limit *int32, collect func() ([]T, error)) ([]T, *string, error) {
	all, err := func() ([]T, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return collect()
	}()
	if err != nil {
		return nil, nil, err
	}
	size, err := pages.Size(limit)
	if err != nil {
		return nil, nil, err
	}
	items, next, err := shape.Page(pages, all, aws.ToString(token), size)
	return nonNil(items), shape.OrNil(next), err
}

// validation is AWS's request-validation message for one member.
func validation(value, field, reason string) error {
	return shape.ConstraintError(protocol.Validation, value, field, reason)
}

func required(field string, v *string) error {
	if v != nil {
		return nil
	}
	var errs shape.Violations
	errs.Null(field)
	return errs.Err(protocol.Validation)
}

// constraint checks a string member's length and, when re is set, its pattern.
func constraint(field, v string, re *regexp.Regexp, minLen, maxLen int) error {
	var errs shape.Violations
	errs.Length(field, v, minLen, maxLen)
	if re != nil && errs.Len() == 0 {
		errs.Pattern(field, v, re)
	}
	return errs.Err(protocol.Validation)
}

func optionalMax(field string, v *string, maxLen int) error {
	if v == nil {
		return nil
	}
	return constraint(field, *v, nil, 0, maxLen)
}

// pages cuts the List* operations' results into pages.
var pages = shape.Pager{SizeMember: "limit", DefaultSize: 100, MaxSize: 100, Invalid: protocol.Validation,
	BadToken: func(string) error { return protocol.Validation("The NextToken provided is invalid.") }}
