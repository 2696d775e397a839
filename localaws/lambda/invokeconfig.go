package lambda

import (
	"net/http"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/async"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

func (in *EventInvokeConfigInput) validate() error {
	var errs shape.Violations
	errs.OptionalRange("maximumRetryAttempts", in.MaximumRetryAttempts, 0, 2)
	errs.OptionalRange("maximumEventAgeInSeconds", in.MaximumEventAgeInSeconds, 60, 21600)
	if err := errs.Err(protocol.Validation); err != nil {
		return err
	}
	if d := in.DestinationConfig; d != nil {
		for _, dst := range []*Destination{d.OnSuccess, d.OnFailure} {
			if dst != nil && dst.Destination != "" && !destinationPattern.MatchString(dst.Destination) {
				return invalidParameter("The destination ARN %s is invalid: use an SQS queue, SNS topic, Lambda function or EventBridge event bus ARN.", dst.Destination)
			}
		}
	}
	return nil
}

// writeEventInvokeConfig stores a config: put replaces it, update merges into it.
func (s *Service) writeEventInvokeConfig(r *http.Request, replace bool) (int, any, error) {
	var in EventInvokeConfigInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if err := in.validate(); err != nil {
		return 0, nil, err
	}
	return s.withFunction(r, func(f *function, v *version, ref functionRef) (int, any, error) {
		cfg := v.invokeConfig
		if cfg == nil && !replace {
			return 0, nil, noEventInvokeConfig(f, ref)
		}
		if cfg == nil || replace {
			cfg = &EventInvokeConfig{}
		}
		next := *cfg
		next.FunctionArn = f.resourceARN(qualifierOrLatest(ref))
		next.LastModified = protocol.EpochSeconds{Time: s.env.Clock.Now()}
		if replace || in.MaximumRetryAttempts != nil {
			next.MaximumRetryAttempts = in.MaximumRetryAttempts
		}
		if replace || in.MaximumEventAgeInSeconds != nil {
			next.MaximumEventAgeInSeconds = in.MaximumEventAgeInSeconds
		}
		if in.DestinationConfig != nil {
			next.DestinationConfig = normalizeDestinations(*in.DestinationConfig)
		} else if replace {
			next.DestinationConfig = normalizeDestinations(DestinationConfig{})
		}
		v.invokeConfig = &next
		return http.StatusOK, next, nil
	})
}

func noEventInvokeConfig(f *function, ref functionRef) error {
	return resourceNotFound("The function %s doesn't have an EventInvokeConfig", f.resourceARN(qualifierOrLatest(ref)))
}

// withEventInvokeConfig runs fn under s.mu on the version the request names, which must
// have an EventInvokeConfig.
func (s *Service) withEventInvokeConfig(r *http.Request, fn func(*version) (int, any, error)) (int, any, error) {
	return s.withFunction(r, func(f *function, v *version, ref functionRef) (int, any, error) {
		if v.invokeConfig == nil {
			return 0, nil, noEventInvokeConfig(f, ref)
		}
		return fn(v)
	})
}

// normalizeDestinations renders absent destinations as empty objects, as AWS does.
func normalizeDestinations(d DestinationConfig) DestinationConfig {
	if d.OnSuccess == nil {
		d.OnSuccess = &Destination{}
	}
	if d.OnFailure == nil {
		d.OnFailure = &Destination{}
	}
	return d
}

func qualifierOrLatest(ref functionRef) string {
	if ref.Qualifier == "" {
		return latestVersion
	}
	return ref.Qualifier
}

// PutFunctionEventInvokeConfig replaces a version's async settings.
func (s *Service) PutFunctionEventInvokeConfig(r *http.Request) (int, any, error) {
	return s.writeEventInvokeConfig(r, true)
}

// UpdateFunctionEventInvokeConfig changes only the given settings.
func (s *Service) UpdateFunctionEventInvokeConfig(r *http.Request) (int, any, error) {
	return s.writeEventInvokeConfig(r, false)
}

// GetFunctionEventInvokeConfig returns a version's async settings, or 404.
func (s *Service) GetFunctionEventInvokeConfig(r *http.Request) (int, any, error) {
	return s.withEventInvokeConfig(r, func(v *version) (int, any, error) {
		return http.StatusOK, *v.invokeConfig, nil
	})
}

// DeleteFunctionEventInvokeConfig removes a version's async settings.
func (s *Service) DeleteFunctionEventInvokeConfig(r *http.Request) (int, any, error) {
	return s.withEventInvokeConfig(r, func(v *version) (int, any, error) {
		v.invokeConfig = nil
		return http.StatusNoContent, nil, nil
	})
}

// ListFunctionEventInvokeConfigs lists the configs of every version of a function.
func (s *Service) ListFunctionEventInvokeConfigs(r *http.Request) (int, any, error) {
	maxItems, err := parseMaxItems(r, 50)
	if err != nil {
		return 0, nil, err
	}
	return s.withFunction(r, func(f *function, _ *version, _ functionRef) (int, any, error) {
		all := []EventInvokeConfig{}
		for _, v := range append([]*version{f.latest}, f.published...) {
			if v.invokeConfig != nil {
				all = append(all, *v.invokeConfig)
			}
		}
		return pageOutput(r, all, maxItems, func(items []EventInvokeConfig, next *string) any {
			return ListEventInvokeConfigsOutput{FunctionEventInvokeConfigs: items, NextMarker: next}
		})
	})
}

// eventInvokeConfigFor is the async.ConfigFunc: the version's settings over AWS's defaults.
func (s *Service) eventInvokeConfigFor(functionARN, qualifier string) async.Config {
	out := async.DefaultConfig()
	out.Credentials = s.executionRole(functionARN)
	ref, err := parseFunctionRef(functionARN, qualifier)
	if err != nil {
		return out
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, v, err := s.lookup(ref)
	if err != nil || v.invokeConfig == nil {
		return out
	}
	c := v.invokeConfig
	if c.MaximumRetryAttempts != nil {
		out.MaximumRetryAttempts = *c.MaximumRetryAttempts
	}
	if c.MaximumEventAgeInSeconds != nil {
		out.MaximumEventAge = time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
	}
	if c.DestinationConfig.OnSuccess != nil {
		out.OnSuccess = c.DestinationConfig.OnSuccess.Destination
	}
	if c.DestinationConfig.OnFailure != nil {
		out.OnFailure = c.DestinationConfig.OnFailure.Destination
	}
	return out
}
