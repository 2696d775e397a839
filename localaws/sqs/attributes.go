package sqs

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Queue attribute names.
const (
	attrAll                 = "All"
	attrDelaySeconds        = "DelaySeconds"
	attrMaximumMessageSize  = "MaximumMessageSize"
	attrRetentionPeriod     = "MessageRetentionPeriod"
	attrReceiveWaitTime     = "ReceiveMessageWaitTimeSeconds"
	attrVisibilityTimeout   = "VisibilityTimeout"
	attrPolicy              = "Policy"
	attrRedrivePolicy       = "RedrivePolicy"
	attrRedriveAllowPolicy  = "RedriveAllowPolicy"
	attrKmsMasterKeyID      = "KmsMasterKeyId"
	attrKmsDataKeyReuse     = "KmsDataKeyReusePeriodSeconds"
	attrSqsManagedSse       = "SqsManagedSseEnabled"
	attrFifoQueue           = "FifoQueue"
	attrContentBasedDedup   = "ContentBasedDeduplication"
	attrDeduplicationScope  = "DeduplicationScope"
	attrFifoThroughputLimit = "FifoThroughputLimit"
	attrQueueArn            = "QueueArn"
	attrApproxMessages      = "ApproximateNumberOfMessages"
	attrApproxNotVisible    = "ApproximateNumberOfMessagesNotVisible"
	attrApproxDelayed       = "ApproximateNumberOfMessagesDelayed"
	attrCreatedTimestamp    = "CreatedTimestamp"
	attrLastModifiedTime    = "LastModifiedTimestamp"
)

// Attribute defaults and limits.
const (
	defaultMaximumMessage    = 1 << 20 // AWS raised the maximum and the default to 1 MiB in 2025
	defaultRetentionPeriod   = 345600
	defaultVisibilityTimeout = 30
	defaultKmsDataKeyReuse   = 300
	maxVisibilityTimeout     = 43200
	maxDelaySeconds          = 900
	maxWaitTimeSeconds       = 20
	maxReceiveCountLimit     = 1000
)

// attrRule says how a settable attribute is validated and canonicalised.
type attrRule struct {
	fifoOnly   bool // standard queues do not know it
	createOnly bool // CreateQueue only
	// check returns the canonical value ("" clears the attribute) or an error.
	check func(name, value string) (string, error)
}

var settableAttrs = map[string]attrRule{
	attrDelaySeconds:        {check: intBetween(0, maxDelaySeconds)},
	attrMaximumMessageSize:  {check: intBetween(1024, defaultMaximumMessage)},
	attrRetentionPeriod:     {check: intBetween(60, 1209600)},
	attrReceiveWaitTime:     {check: intBetween(0, maxWaitTimeSeconds)},
	attrVisibilityTimeout:   {check: intBetween(0, maxVisibilityTimeout)},
	attrKmsDataKeyReuse:     {check: intBetween(60, 86400)},
	attrKmsMasterKeyID:      {check: func(_, v string) (string, error) { return v, nil }},
	attrSqsManagedSse:       {check: boolean},
	attrPolicy:              {check: jsonObject},
	attrRedrivePolicy:       {check: checkRedrivePolicy},
	attrRedriveAllowPolicy:  {check: checkRedriveAllowPolicy},
	attrFifoQueue:           {createOnly: true, check: boolean},
	attrContentBasedDedup:   {fifoOnly: true, check: boolean},
	attrDeduplicationScope:  {fifoOnly: true, check: oneOf("messageGroup", "queue")},
	attrFifoThroughputLimit: {fifoOnly: true, check: oneOf("perQueue", "perMessageGroupId")},
}

// computedAttrs are readable but not settable.
var computedAttrs = map[string]bool{
	attrQueueArn: true, attrApproxMessages: true, attrApproxNotVisible: true, attrApproxDelayed: true,
	attrCreatedTimestamp: true, attrLastModifiedTime: true,
}

func intBetween(lo, hi int) func(string, string) (string, error) {
	return func(name, v string) (string, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return "", errInvalidAttributeValue(name)
		}
		return strconv.Itoa(n), nil
	}
}

func boolean(name, v string) (string, error) {
	switch strings.ToLower(v) {
	case "true":
		return "true", nil
	case "false":
		return "false", nil
	}
	return "", errInvalidAttributeValue(name)
}

func oneOf(values ...string) func(string, string) (string, error) {
	return func(name, v string) (string, error) {
		for _, allowed := range values {
			if v == allowed {
				return v, nil
			}
		}
		return "", errInvalidAttributeValue(name)
	}
}

// jsonObject accepts a JSON object, echoed exactly as sent, or "" to clear.
func jsonObject(name, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	var obj map[string]any
	if json.Unmarshal([]byte(v), &obj) != nil {
		return "", errInvalidAttributeValue(name)
	}
	return v, nil
}

// redrivePolicy is the parsed RedrivePolicy attribute.
type redrivePolicy struct {
	deadLetterTargetArn string
	maxReceiveCount     int
}

// parseRedrivePolicy accepts maxReceiveCount as a number or a numeric string, as AWS does.
func parseRedrivePolicy(v string) (*redrivePolicy, error) {
	var raw struct {
		DeadLetterTargetArn *string         `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
	}
	invalid := func(reason string) error { return errParamInvalid(attrRedrivePolicy, v, reason) }
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return nil, invalid("Redrive policy is not a valid JSON map.")
	}
	if raw.DeadLetterTargetArn == nil {
		return nil, invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	if len(raw.MaxReceiveCount) == 0 {
		return nil, invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	count := strings.Trim(string(raw.MaxReceiveCount), `"`)
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > maxReceiveCountLimit {
		return nil, invalid("Invalid value for maxReceiveCount: " + count +
			", valid values are from 1 to 1000 both inclusive.")
	}
	if _, err := shape.ParseQueueARN(*raw.DeadLetterTargetArn); err != nil {
		return nil, invalid("Invalid value for deadLetterTargetArn.")
	}
	return &redrivePolicy{deadLetterTargetArn: *raw.DeadLetterTargetArn, maxReceiveCount: n}, nil
}

func checkRedrivePolicy(_, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if _, err := parseRedrivePolicy(v); err != nil {
		return "", err
	}
	return v, nil
}

func checkRedriveAllowPolicy(name, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	var p struct {
		RedrivePermission string   `json:"redrivePermission"`
		SourceQueueArns   []string `json:"sourceQueueArns"`
	}
	if json.Unmarshal([]byte(v), &p) != nil {
		return "", errInvalidAttributeValue(name)
	}
	switch p.RedrivePermission {
	case "allowAll", "denyAll":
		if len(p.SourceQueueArns) > 0 {
			return "", errParamInvalid(name, v, "sourceQueueArns may only be set when redrivePermission is byQueue.")
		}
	case "byQueue":
		if len(p.SourceQueueArns) == 0 || len(p.SourceQueueArns) > 10 {
			return "", errParamInvalid(name, v, "byQueue needs 1 to 10 sourceQueueArns.")
		}
	default:
		return "", errParamInvalid(name, v, "Invalid value for redrivePermission.")
	}
	return v, nil
}

// canonicalAttributes validates the attributes of a CreateQueue or SetQueueAttributes
// request and returns their canonical values.
func canonicalAttributes(in map[string]string, fifo, create bool) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for name, value := range in {
		rule, ok := settableAttrs[name]
		if !ok || (rule.fifoOnly && !fifo) || (rule.createOnly && !create) {
			return nil, errInvalidAttributeName(name)
		}
		v, err := rule.check(name, value)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	if v, ok := out[attrFifoQueue]; ok && (v == "true") != fifo {
		return nil, errInvalidAttributeValue(attrFifoQueue)
	}
	delete(out, attrFifoQueue) // implied by the queue type
	if out[attrKmsMasterKeyID] != "" && out[attrSqsManagedSse] == "true" {
		return nil, errInvalidAttributeValue(attrSqsManagedSse)
	}
	return out, nil
}
