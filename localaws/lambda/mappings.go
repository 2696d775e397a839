package lambda

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/esm"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

const (
	defaultSQSBatchSize = 10
	reportBatchFailures = "ReportBatchItemFailures"
)

// mapping is one event source mapping. FilterCriteria is stored and echoed only: the
// esm.Manager receives no filters, so every record reaches the function.
type mapping struct {
	cfg     EventSourceMappingConfiguration
	enabled bool
	tags    shape.TagSet
}

func enabledState(enabled bool) string {
	if enabled {
		return "Enabled"
	}
	return "Disabled"
}

// settle completes a Creating or Updating transition.
func (m *mapping) settle() {
	switch m.cfg.State {
	case "Creating", "Updating", "Enabling", "Disabling":
		m.cfg.State = enabledState(m.enabled)
	}
}

// poller is the esm.Manager's view of the mapping; it reads the queue as the function's
// execution role.
func (s *Service) poller(m *mapping) esm.Mapping {
	p := esm.Mapping{
		UUID: m.cfg.UUID, EventSourceARN: m.cfg.EventSourceArn, FunctionARN: m.cfg.FunctionArn,
		Credentials: s.executionRole(m.cfg.FunctionArn),
		BatchSize:   m.cfg.BatchSize, BatchingWindow: time.Duration(m.cfg.MaximumBatchingWindowInSeconds) * time.Second,
		ReportBatchItemFailures: slices.Contains(m.cfg.FunctionResponseTypes, reportBatchFailures), Enabled: m.enabled,
	}
	if m.cfg.ScalingConfig != nil && m.cfg.ScalingConfig.MaximumConcurrency != nil {
		p.MaximumConcurrency = *m.cfg.ScalingConfig.MaximumConcurrency
	}
	return p
}

// validate checks the model constraints and refuses the members of other source types.
func (in *EventSourceMappingInput) validate() error {
	var errs shape.Violations
	errs.OptionalRange("batchSize", in.BatchSize, 1, 10000)
	errs.OptionalRange("maximumBatchingWindowInSeconds", in.MaximumBatchingWindowInSeconds, 0, 300)
	if in.FunctionResponseTypes != nil {
		if len(*in.FunctionResponseTypes) > 1 {
			errs.Add(strings.Join(*in.FunctionResponseTypes, ","), "functionResponseTypes", "Member must have length less than or equal to 1")
		}
		for _, t := range *in.FunctionResponseTypes {
			errs.Enum("functionResponseTypes", t, reportBatchFailures)
		}
	}
	if in.ScalingConfig != nil {
		errs.OptionalRange("scalingConfig.maximumConcurrency", in.ScalingConfig.MaximumConcurrency, 2, 1000)
	}
	if in.FilterCriteria != nil && len(in.FilterCriteria.Filters) > 5 {
		errs.Add(len(in.FilterCriteria.Filters), "filterCriteria.filters", "Member must have length less than or equal to 5")
	}
	if err := errs.Err(protocol.Validation); err != nil {
		return err
	}
	for name, set := range map[string]bool{
		"StartingPosition": in.StartingPosition != "", "StartingPositionTimestamp": in.StartingPositionTimestamp != nil,
		"ParallelizationFactor": in.ParallelizationFactor != nil, "BisectBatchOnFunctionError": in.BisectBatchOnFunctionError != nil,
		"MaximumRetryAttempts": in.MaximumRetryAttempts != nil, "MaximumRecordAgeInSeconds": in.MaximumRecordAgeInSeconds != nil,
		"TumblingWindowInSeconds": in.TumblingWindowInSeconds != nil, "DestinationConfig": in.DestinationConfig != nil,
		"Topics": len(in.Topics) > 0, "Queues": len(in.Queues) > 0,
	} {
		if set {
			return invalidParameter("Unsupported %s parameter for Amazon SQS event source.", name)
		}
	}
	if in.FilterCriteria != nil {
		for _, f := range in.FilterCriteria.Filters {
			var pattern map[string]any
			if json.Unmarshal([]byte(f.Pattern), &pattern) != nil {
				return invalidParameter("Invalid filter pattern definition: %s", f.Pattern)
			}
		}
	}
	return nil
}

// applySQSRules enforces the batching rules of SQS sources on the resulting values.
func applySQSRules(cfg EventSourceMappingConfiguration) error {
	fifo := strings.HasSuffix(cfg.EventSourceArn, ".fifo")
	switch {
	case fifo && cfg.BatchSize > 10:
		return invalidParameter("BatchSize must be less than or equal to 10 for a FIFO queue.")
	case fifo && cfg.MaximumBatchingWindowInSeconds > 0:
		return invalidParameter("MaximumBatchingWindowInSeconds is not supported for FIFO queues.")
	case cfg.BatchSize > 10 && cfg.MaximumBatchingWindowInSeconds == 0:
		return invalidParameter("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
	}
	return nil
}

// mappingTarget resolves a mapping's function and refuses tenant-isolated ones: AWS lets
// no event source mapping invoke them, which is why a router sits in between. The caller
// holds s.mu.
func (s *Service) mappingTarget(name string) (string, error) {
	ref, err := parseFunctionRef(name, "")
	if err != nil {
		return "", err
	}
	f, v, err := s.lookup(ref)
	if err != nil {
		return "", err
	}
	if v.cfg.TenancyConfig != nil {
		return "", invalidParameter("Function %s is enabled with tenancy configuration (%s): event source mappings cannot invoke tenant-isolated functions. Map the source to a router function that invokes it with a tenant ID.",
			f.arn, v.cfg.TenancyConfig.TenantIsolationMode)
	}
	return f.resourceARN(ref.Qualifier), nil
}

// CreateEventSourceMapping maps an SQS queue to a function; it is Creating until the next read.
func (s *Service) CreateEventSourceMapping(r *http.Request) (int, any, error) {
	var in EventSourceMappingInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	var errs shape.Violations
	if in.FunctionName == nil {
		errs.Null("functionName")
	}
	if in.EventSourceArn == "" {
		errs.Null("eventSourceArn")
	}
	if err := errs.Err(protocol.Validation); err != nil {
		return 0, nil, err
	}
	if err := in.validate(); err != nil {
		return 0, nil, err
	}
	src, err := shape.ParseQueueARN(in.EventSourceArn)
	if err != nil {
		return 0, nil, invalidParameter("localaws emulates event source mappings for Amazon SQS queues only; %s is not an SQS queue ARN.", in.EventSourceArn)
	}
	if src.Region != s.env.Region {
		return 0, nil, invalidParameter("The event source %s must be in the function's Region (%s).", in.EventSourceArn, s.env.Region)
	}

	s.esmSync.Lock()
	defer s.esmSync.Unlock()
	out, poller, err := func() (EventSourceMappingConfiguration, esm.Mapping, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		functionARN, err := s.mappingTarget(*in.FunctionName)
		if err != nil {
			return EventSourceMappingConfiguration{}, esm.Mapping{}, err
		}
		for _, m := range s.mappings {
			if m.cfg.EventSourceArn == in.EventSourceArn && m.cfg.FunctionArn == functionARN {
				return EventSourceMappingConfiguration{}, esm.Mapping{}, resourceConflict("An event source mapping with SQS arn (\" %s \") and function (\" %s \") already exists. Please update or delete the existing mapping with UUID %s",
					in.EventSourceArn, functionARN, m.cfg.UUID)
			}
		}
		id := core.NewUUID()
		m := &mapping{enabled: in.Enabled == nil || *in.Enabled}
		m.cfg = EventSourceMappingConfiguration{
			UUID: id, EventSourceMappingArn: s.env.ARN("lambda", s.env.Region, "event-source-mapping:"+id),
			EventSourceArn: in.EventSourceArn, FunctionArn: functionARN, BatchSize: defaultSQSBatchSize,
			FunctionResponseTypes: []string{}, State: "Creating", StateTransitionReason: "USER_INITIATED",
		}
		m.apply(&in, s.env.Clock.Now())
		if err := applySQSRules(m.cfg); err != nil {
			return EventSourceMappingConfiguration{}, esm.Mapping{}, err
		}
		if err := tagging.Merge(&m.tags, shape.TagsOf(in.Tags)); err != nil {
			return EventSourceMappingConfiguration{}, esm.Mapping{}, err
		}
		s.mappings[id] = m
		return m.cfg, s.poller(m), nil
	}()
	if err != nil {
		return 0, nil, err
	}
	s.esm.Put(poller)
	return http.StatusAccepted, out, nil
}

// apply writes the optional members shared by create and update.
func (m *mapping) apply(in *EventSourceMappingInput, now time.Time) {
	c := &m.cfg
	if in.BatchSize != nil {
		c.BatchSize = *in.BatchSize
	}
	if in.MaximumBatchingWindowInSeconds != nil {
		c.MaximumBatchingWindowInSeconds = *in.MaximumBatchingWindowInSeconds
	}
	if in.FunctionResponseTypes != nil {
		c.FunctionResponseTypes = slices.Clone(*in.FunctionResponseTypes)
	}
	if in.ScalingConfig != nil {
		c.ScalingConfig = nil
		if in.ScalingConfig.MaximumConcurrency != nil {
			c.ScalingConfig = &ScalingConfig{MaximumConcurrency: intPtr(*in.ScalingConfig.MaximumConcurrency)}
		}
	}
	if in.FilterCriteria != nil {
		c.FilterCriteria = nil
		if len(in.FilterCriteria.Filters) > 0 {
			c.FilterCriteria = &FilterCriteria{Filters: slices.Clone(in.FilterCriteria.Filters)}
		}
	}
	if in.Enabled != nil {
		m.enabled = *in.Enabled
	}
	c.LastModified = protocol.EpochSeconds{Time: now}
}

// GetEventSourceMapping returns a mapping; a deleted one is a 404.
func (s *Service) GetEventSourceMapping(r *http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.mapping(r.PathValue("UUID"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m.cfg, nil
}

// mapping finds and settles a mapping; the caller holds s.mu.
func (s *Service) mapping(id string) (*mapping, error) {
	m := s.mappings[id]
	if m == nil {
		return nil, resourceNotFound("The resource you requested does not exist.")
	}
	m.settle()
	return m, nil
}

// UpdateEventSourceMapping changes a mapping; it is Updating until the next read.
func (s *Service) UpdateEventSourceMapping(r *http.Request) (int, any, error) {
	var in EventSourceMappingInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if err := in.validate(); err != nil {
		return 0, nil, err
	}
	s.esmSync.Lock()
	defer s.esmSync.Unlock()
	out, poller, err := func() (EventSourceMappingConfiguration, esm.Mapping, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		m, err := s.mapping(r.PathValue("UUID"))
		if err != nil {
			return EventSourceMappingConfiguration{}, esm.Mapping{}, err
		}
		next := *m
		if in.FunctionName != nil {
			if next.cfg.FunctionArn, err = s.mappingTarget(*in.FunctionName); err != nil {
				return EventSourceMappingConfiguration{}, esm.Mapping{}, err
			}
		}
		next.apply(&in, s.env.Clock.Now())
		if err := applySQSRules(next.cfg); err != nil {
			return EventSourceMappingConfiguration{}, esm.Mapping{}, err
		}
		next.cfg.State = "Updating"
		*m = next
		return m.cfg, s.poller(m), nil
	}()
	if err != nil {
		return 0, nil, err
	}
	s.esm.Put(poller)
	return http.StatusAccepted, out, nil
}

// DeleteEventSourceMapping stops the poller; the answer says Deleting and the mapping is gone.
func (s *Service) DeleteEventSourceMapping(r *http.Request) (int, any, error) {
	s.esmSync.Lock()
	defer s.esmSync.Unlock()
	out, err := func() (EventSourceMappingConfiguration, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		m, err := s.mapping(r.PathValue("UUID"))
		if err != nil {
			return EventSourceMappingConfiguration{}, err
		}
		delete(s.mappings, m.cfg.UUID)
		out := m.cfg
		out.State = "Deleting"
		out.LastModified = protocol.EpochSeconds{Time: s.env.Clock.Now()}
		return out, nil
	}()
	if err != nil {
		return 0, nil, err
	}
	s.esm.Remove(out.UUID)
	return http.StatusAccepted, out, nil
}

// ListEventSourceMappings lists mappings, filtered by source and function.
func (s *Service) ListEventSourceMappings(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	maxItems, err := parseMaxItems(r, 100)
	if err != nil {
		return 0, nil, err
	}
	var byFunction *functionRef
	if name := q.Get("FunctionName"); name != "" {
		ref, err := parseFunctionRef(name, "")
		if err != nil {
			return 0, nil, err
		}
		byFunction = &ref
	}
	source := q.Get("EventSourceArn")
	s.mu.Lock()
	all := []EventSourceMappingConfiguration{}
	for _, m := range s.mappings {
		if source != "" && m.cfg.EventSourceArn != source {
			continue
		}
		if byFunction != nil {
			ref, _ := parseFunctionRef(m.cfg.FunctionArn, "")
			if ref.Name != byFunction.Name || byFunction.Qualifier != "" && ref.Qualifier != byFunction.Qualifier {
				continue
			}
		}
		m.settle()
		all = append(all, m.cfg)
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].UUID < all[j].UUID })
	return pageOutput(r, all, maxItems, func(items []EventSourceMappingConfiguration, next *string) any {
		return ListEventSourceMappingsOutput{EventSourceMappings: items, NextMarker: next}
	})
}
