package eventbridge

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// CreateEventBusInput is the CreateEventBus request.
type CreateEventBusInput struct {
	Name             *string
	EventSourceName  *string
	Description      *string
	KmsKeyIdentifier *string
	DeadLetterConfig *DeadLetterConfig
	LogConfig        *LogConfig
	Tags             []Tag
}

// BusConfig is the configuration of a bus that CreateEventBus, DescribeEventBus and
// UpdateEventBus return.
type BusConfig struct {
	Description      *string           `json:",omitempty"`
	KmsKeyIdentifier *string           `json:",omitempty"`
	DeadLetterConfig *DeadLetterConfig `json:",omitempty"`
	LogConfig        *LogConfig        `json:",omitempty"`
}

func (b *bus) config() BusConfig {
	return BusConfig{Description: b.description, KmsKeyIdentifier: b.kmsKeyIdentifier,
		DeadLetterConfig: b.deadLetterConfig, LogConfig: b.logConfig}
}

// CreateEventBusOutput echoes what was configured, as AWS does.
type CreateEventBusOutput struct {
	EventBusArn string
	BusConfig
}

// CreateEventBus creates a custom bus.
func (s *Service) CreateEventBus(_ context.Context, in *CreateEventBusInput) (*CreateEventBusOutput, error) {
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	name := *in.Name
	if err := constraint("name", name, busNameRe, 1, 256); err != nil {
		return nil, err
	}
	if in.EventSourceName != nil {
		// Partner event sources do not exist here.
		return nil, protocol.NotFound("ResourceNotFoundException", "Event source %s does not exist.",
			*in.EventSourceName)
	}
	if strings.Contains(name, "/") {
		return nil, protocol.Validation("Event bus name must not contain '/'.")
	}
	if err := validateBusSettings(in.Description, in.DeadLetterConfig); err != nil {
		return nil, err
	}
	var tags shape.TagSet
	if err := mergeTags(&tags, in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buses[name]; ok {
		return nil, protocol.Errorf(http.StatusBadRequest, "ResourceAlreadyExistsException",
			"Event bus %s already exists.", name)
	}
	now := s.env.Clock.Now()
	b := &bus{name: name, arn: s.busARN(name), description: in.Description, kmsKeyIdentifier: in.KmsKeyIdentifier,
		deadLetterConfig: in.DeadLetterConfig, logConfig: in.LogConfig, created: now, modified: now, tags: tags,
		rules: map[string]*rule{}}
	s.buses[name] = b
	return &CreateEventBusOutput{EventBusArn: b.arn, BusConfig: b.config()}, nil
}

func validateBusSettings(description *string, dlq *DeadLetterConfig) error {
	if err := optionalMax("description", description, 512); err != nil {
		return err
	}
	if dlq != nil && dlq.Arn != nil {
		if _, err := shape.ParseQueueARN(*dlq.Arn); err != nil {
			return protocol.Validation("Parameter DeadLetterConfig.Arn is not valid. Reason: %v", err)
		}
	}
	return nil
}

// DescribeEventBusInput is the DescribeEventBus request.
type DescribeEventBusInput struct {
	Name *string
}

// DescribeEventBusOutput describes a bus.
type DescribeEventBusOutput struct {
	Name string
	Arn  string
	BusConfig
	CreationTime     *protocol.EpochSeconds `json:",omitempty"`
	LastModifiedTime *protocol.EpochSeconds `json:",omitempty"`
}

// DescribeEventBus describes a bus by name or ARN; the default bus when none is given.
func (s *Service) DescribeEventBus(_ context.Context, in *DescribeEventBusInput) (*DescribeEventBusOutput, error) {
	name, err := s.busName("name", in.Name)
	if err != nil {
		return nil, err
	}
	return inBus(s, name, func(b *bus) (*DescribeEventBusOutput, error) {
		return &DescribeEventBusOutput{Name: b.name, Arn: b.arn, BusConfig: b.config(),
			CreationTime: protocol.Epoch(b.created), LastModifiedTime: protocol.Epoch(b.modified)}, nil
	})
}

// UpdateEventBusInput is the UpdateEventBus request.
type UpdateEventBusInput struct {
	Name             *string
	Description      *string
	KmsKeyIdentifier *string
	DeadLetterConfig *DeadLetterConfig
	LogConfig        *LogConfig
}

// UpdateEventBusOutput is the bus after the update.
type UpdateEventBusOutput struct {
	Arn  string
	Name string
	BusConfig
}

// UpdateEventBus changes the members that are present; an empty Description clears
// it, which is how the Terraform provider unsets it.
func (s *Service) UpdateEventBus(_ context.Context, in *UpdateEventBusInput) (*UpdateEventBusOutput, error) {
	name, err := s.busName("name", in.Name)
	if err != nil {
		return nil, err
	}
	if err := validateBusSettings(in.Description, in.DeadLetterConfig); err != nil {
		return nil, err
	}
	return inBus(s, name, func(b *bus) (*UpdateEventBusOutput, error) {
		setOrClear(&b.description, in.Description)
		setOrClear(&b.kmsKeyIdentifier, in.KmsKeyIdentifier)
		if in.DeadLetterConfig != nil {
			b.deadLetterConfig = in.DeadLetterConfig
			if in.DeadLetterConfig.Arn == nil {
				b.deadLetterConfig = nil
			}
		}
		if in.LogConfig != nil {
			b.logConfig = in.LogConfig
		}
		b.modified = s.env.Clock.Now()
		return &UpdateEventBusOutput{Arn: b.arn, Name: b.name, BusConfig: b.config()}, nil
	})
}

// setOrClear applies an optional string member of an update: absent keeps the value,
// empty clears it.
func setOrClear(dst **string, v *string) {
	if v != nil {
		*dst = v
		if *v == "" {
			*dst = nil
		}
	}
}

// DeleteEventBusInput is the DeleteEventBus request.
type DeleteEventBusInput struct {
	Name *string
}

// DeleteEventBus deletes a custom bus with its rules. Deleting a bus that does not
// exist succeeds, as in AWS.
func (s *Service) DeleteEventBus(_ context.Context, in *DeleteEventBusInput) (*struct{}, error) {
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	if *in.Name == DefaultBus {
		return nil, protocol.Validation("Cannot delete event bus default.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.buses, *in.Name)
	return nil, nil
}

// ListEventBusesInput is the ListEventBuses request.
type ListEventBusesInput struct {
	NamePrefix *string
	NextToken  *string
	Limit      *int32
}

// EventBusSummary is one entry of ListEventBuses.
type EventBusSummary struct {
	Name             string
	Arn              string
	Description      *string                `json:",omitempty"`
	CreationTime     *protocol.EpochSeconds `json:",omitempty"`
	LastModifiedTime *protocol.EpochSeconds `json:",omitempty"`
}

// ListEventBusesOutput is one page of buses, sorted by name.
type ListEventBusesOutput struct {
	EventBuses []EventBusSummary
	NextToken  *string `json:",omitempty"`
}

// ListEventBuses lists buses whose name starts with NamePrefix.
func (s *Service) ListEventBuses(_ context.Context, in *ListEventBusesInput) (*ListEventBusesOutput, error) {
	prefix := aws.ToString(in.NamePrefix)
	buses, next, err := listPage(s, in.NextToken, in.Limit, func() ([]EventBusSummary, error) {
		var all []EventBusSummary
		for _, name := range sortedNames(s.buses) {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			b := s.buses[name]
			all = append(all, EventBusSummary{Name: b.name, Arn: b.arn, Description: b.description,
				CreationTime: protocol.Epoch(b.created), LastModifiedTime: protocol.Epoch(b.modified)})
		}
		return all, nil
	})
	if err != nil {
		return nil, err
	}
	return &ListEventBusesOutput{EventBuses: buses, NextToken: next}, nil
}

func sortedNames[T any](m map[string]T) []string {
	return slices.Sorted(maps.Keys(m))
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
