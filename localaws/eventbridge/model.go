package eventbridge

import (
	"encoding/json"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge/pattern"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// bus is an event bus and the rules attached to it.
type bus struct {
	name, arn        string
	description      *string
	kmsKeyIdentifier *string
	deadLetterConfig *DeadLetterConfig
	logConfig        *LogConfig
	created          time.Time
	modified         time.Time
	tags             shape.TagSet
	rules            map[string]*rule
}

// rule is a rule on a bus. Its pattern is compiled once, at PutRule.
type rule struct {
	name, arn          string
	busName            string
	eventPattern       *string
	compiled           *pattern.Pattern
	scheduleExpression *string
	state              string
	description        *string
	roleArn            *string
	tags               shape.TagSet
	targets            []*target
}

// target is a rule target. raw is the member as the client sent it, echoed by
// ListTargetsByRule so that every field (ECS, HTTP, ... parameters) reads back as set.
type target struct {
	raw              json.RawMessage
	ID               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	Input            *string           `json:"Input"`
	InputPath        *string           `json:"InputPath"`
	InputTransformer *InputTransformer `json:"InputTransformer"`
	RetryPolicy      *RetryPolicy      `json:"RetryPolicy"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig"`
	SqsParameters    *SqsParameters    `json:"SqsParameters"`
}

// Tag is a resource tag.
type Tag struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value"`
}

// DeadLetterConfig names the SQS queue for events that cannot be delivered.
type DeadLetterConfig struct {
	Arn *string `json:"Arn,omitempty"`
}

// LogConfig is a bus's logging configuration; stored and echoed only.
type LogConfig struct {
	IncludeDetail *string `json:"IncludeDetail,omitempty"`
	Level         *string `json:"Level,omitempty"`
}

// RetryPolicy bounds delivery retries of one target.
type RetryPolicy struct {
	MaximumRetryAttempts     *int32 `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int32 `json:"MaximumEventAgeInSeconds,omitempty"`
}

// SqsParameters carries the message group of FIFO queue targets.
type SqsParameters struct {
	MessageGroupId *string `json:"MessageGroupId,omitempty"`
}

// InputTransformer rewrites the event with a template before delivery.
type InputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate *string           `json:"InputTemplate"`
}

// AWS's retry-policy defaults and bounds (RetryPolicy in the API reference).
const (
	defaultMaxRetryAttempts = 185
	defaultMaxEventAge      = 24 * time.Hour
	maxRetryAttempts        = 185
	minEventAgeSeconds      = 60
	maxEventAgeSeconds      = 86400
)

func (t *target) retryLimits() (attempts int, maxAge time.Duration) {
	attempts, maxAge = defaultMaxRetryAttempts, defaultMaxEventAge
	if p := t.RetryPolicy; p != nil {
		if p.MaximumRetryAttempts != nil {
			attempts = int(*p.MaximumRetryAttempts)
		}
		if p.MaximumEventAgeInSeconds != nil {
			maxAge = time.Duration(*p.MaximumEventAgeInSeconds) * time.Second
		}
	}
	return attempts, maxAge
}
