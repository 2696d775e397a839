package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// SQSSender is the part of the SQS client that deliveries use.
type SQSSender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput,
		error)
}

// LambdaInvoker is the part of the Lambda client that deliveries use.
type LambdaInvoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Backoff spaces the retries of a failed delivery: the n-th retry waits a random
// time in [d/2, d] with d = Base·2^(n-1), capped at Max.
type Backoff struct {
	Base, Max time.Duration
}

// DefaultBackoff scales AWS's schedule down for local use. AWS retries with
// exponential backoff and jitter for up to 24 h and 185 attempts; here the first
// retry comes after 0.5–1 s and the delay doubles up to one minute, so the default
// 185 attempts end after about three hours. MaximumEventAgeInSeconds is honoured on
// the service clock, so a short policy ends sooner either way.
var DefaultBackoff = Backoff{Base: time.Second, Max: time.Minute}

func (b Backoff) delay(retry int) time.Duration {
	d := b.Base
	for i := 1; i < retry && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// callTimeout bounds one call to a target; both target calls return quickly.
const callTimeout = 30 * time.Second

// delivery is one event on its way to one target.
type delivery struct {
	eventID  string
	event    []byte
	ruleArn  string
	ruleName string
	target   target
	ingested time.Time
}

// failure is a failed attempt, classified the way the DLQ's ERROR_CODE reports it.
type failure struct {
	code      string
	message   string
	retryable bool
}

func (s *Service) start(d delivery) {
	// s.mu orders this Add before Close's Wait, or tells us Close has begun.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.env.Logger.Warn("eventbridge: event not delivered: the service is closing", "eventId", d.eventID)
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.deliver(d)
	}()
}

// deliver sends until success, a failure that retrying cannot fix, or the end of the
// target's retry policy; then the event goes to the target's dead-letter queue.
func (s *Service) deliver(d delivery) {
	log := s.env.Logger.With("eventId", d.eventID, "rule", d.ruleArn, "target", d.target.Arn)
	payload, err := d.target.payload(d.event, d.ruleArn, d.ruleName, d.ingested)
	if err != nil {
		s.deadLetter(d, failure{code: "INVALID_PARAMETER", message: err.Error()}, 0, "")
		return
	}
	attempts, maxAge := d.target.retryLimits()
	for retries := 0; ; retries++ {
		f := s.send(d, payload)
		if f == nil {
			return
		}
		if s.ctx.Err() != nil {
			log.Info("eventbridge: delivery abandoned on shutdown")
			return
		}
		if !f.retryable {
			s.deadLetter(d, *f, retries, "")
			return
		}
		if retries >= attempts {
			s.deadLetter(d, *f, retries, "MaximumRetryAttempts")
			return
		}
		wait := s.Backoff.delay(retries + 1)
		if s.env.Clock.Now().Add(wait).Sub(d.ingested) > maxAge {
			s.deadLetter(d, *f, retries, "MaximumEventAgeInSeconds")
			return
		}
		log.Debug("eventbridge: delivery failed, retrying", "code", f.code, "err", f.message, "in", wait)
		select {
		case <-s.ctx.Done():
			log.Info("eventbridge: delivery abandoned on shutdown")
			return
		case <-s.env.Clock.After(wait):
		}
	}
}

// send makes one attempt to hand the payload to the target.
func (s *Service) send(d delivery, payload []byte) *failure {
	ctx, cancel := context.WithTimeout(s.ctx, callTimeout)
	defer cancel()
	arn := d.target.Arn
	switch {
	case strings.HasPrefix(arn, "arn:aws:sqs:"):
		q, err := shape.ParseQueueARN(arn)
		if err != nil {
			return &failure{code: "INVALID_PARAMETER", message: err.Error()}
		}
		in := &sqs.SendMessageInput{QueueUrl: aws.String(q.URL(s.env.BaseURL())), MessageBody: aws.String(string(payload))}
		if q.FIFO() {
			if p := d.target.SqsParameters; p != nil {
				in.MessageGroupId = p.MessageGroupId
			}
			// EventBridge deduplicates FIFO deliveries by event ID.
			in.MessageDeduplicationId = aws.String(d.eventID)
		}
		_, err = s.sqsClient().SendMessage(ctx, in, asRule(s.env, d.ruleArn, sqsCredentials))
		return classify(err)
	case strings.HasPrefix(arn, "arn:aws:lambda:"):
		_, err := s.lambdaClient().Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(arn),
			InvocationType: lambdatypes.InvocationTypeEvent, Payload: payload},
			asRule(s.env, d.ruleArn, lambdaCredentials))
		return classify(err)
	default:
		return &failure{code: "INVALID_PARAMETER", message: fmt.Sprintf(
			"localaws delivers only to SQS queues and Lambda functions, not to %s", arn)}
	}
}

// classify maps an SDK error to the DLQ error codes AWS documents, and says whether
// a retry could succeed. Missing resources and permissions are not retried, as in AWS.
func classify(err error) *failure {
	if err == nil {
		return nil
	}
	f := &failure{code: "SDK_CLIENT_ERROR", message: err.Error()}
	var api smithy.APIError
	if !errors.As(err, &api) {
		f.code, f.retryable = "CONNECTION_FAILURE", true
		return f
	}
	f.message = api.ErrorMessage()
	switch code := api.ErrorCode(); {
	case code == "ResourceNotFoundException" || code == "AWS.SimpleQueueService.NonExistentQueue" ||
		code == "QueueDoesNotExist":
		f.code = "RESOURCE_NOT_FOUND"
	case code == "AccessDeniedException" || code == "AccessDenied" || code == "KMS.AccessDeniedException":
		f.code = "NO_PERMISSIONS"
	case strings.Contains(code, "Throttl") || code == "TooManyRequestsException" ||
		code == "RequestThrottled" || code == "ServiceUnavailableException":
		f.code, f.retryable = "THROTTLING", true
	default:
		var resp *awshttp.ResponseError
		f.retryable = api.ErrorFault() == smithy.FaultServer || (errors.As(err, &resp) && resp.HTTPStatusCode() >= 500)
	}
	return f
}

// deadLetter sends the event to the target's DLQ with the attributes AWS adds, or
// logs that it is dropped when the target has none.
func (s *Service) deadLetter(d delivery, f failure, retries int, exhausted string) {
	log := s.env.Logger.With("eventId", d.eventID, "rule", d.ruleArn, "target", d.target.Arn, "code", f.code,
		"err", f.message, "retries", retries)
	dlq := d.target.DeadLetterConfig
	if dlq == nil || dlq.Arn == nil {
		log.Warn("eventbridge: delivery failed, event dropped (the target has no dead-letter queue)")
		return
	}
	q, err := shape.ParseQueueARN(*dlq.Arn)
	if err != nil {
		log.Warn("eventbridge: delivery failed, dead-letter queue ARN is not valid", "dlq", *dlq.Arn)
		return
	}
	str := func(v string) sqstypes.MessageAttributeValue {
		return sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	attrs := map[string]sqstypes.MessageAttributeValue{
		"RULE_ARN":       str(d.ruleArn),
		"TARGET_ARN":     str(d.target.Arn),
		"ERROR_CODE":     str(f.code),
		"ERROR_MESSAGE":  str(truncate(f.message, 1024)),
		"RETRY_ATTEMPTS": str(strconv.Itoa(retries)),
	}
	if exhausted != "" {
		attrs["EXHAUSTED_RETRY_CONDITION"] = str(exhausted)
	}
	ctx, cancel := context.WithTimeout(s.ctx, callTimeout)
	defer cancel()
	// The target's retries are spent and nobody retries the DLQ send, so it retries itself.
	_, err = s.sqsClient().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.URL(s.env.BaseURL())),
		MessageBody: aws.String(string(d.event)), MessageAttributes: attrs},
		func(o *sqs.Options) { o.RetryMaxAttempts = core.DeliveryAttempts },
		asRule(s.env, d.ruleArn, sqsCredentials))
	if err != nil {
		log.Error("eventbridge: event lost: cannot send it to the dead-letter queue", "dlq", *dlq.Arn,
			"dlqErr", err)
		return
	}
	log.Info("eventbridge: delivery failed, event sent to the dead-letter queue", "dlq", *dlq.Arn)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// principal is the service principal EventBridge delivers as.
const principal = "events.amazonaws.com"

// asRule signs a delivery as EventBridge acting for a rule: events.amazonaws.com with
// aws:SourceArn = the rule, which the target's resource policy (queue policy, function
// policy) must allow, as in AWS. Without IAM enforcement it changes nothing.
func asRule[O any](env *core.Env, ruleARN string, set func(O, aws.CredentialsProvider)) func(O) {
	return func(o O) {
		if env.Access != nil {
			set(o, env.ServiceCredentials(principal, ruleARN))
		}
	}
}

func sqsCredentials(o *sqs.Options, c aws.CredentialsProvider)       { o.Credentials = c }
func lambdaCredentials(o *lambda.Options, c aws.CredentialsProvider) { o.Credentials = c }

// sqsClient and lambdaClient are built on first use: the server's URL is known
// only once it listens.
func (s *Service) sqsClient() SQSSender {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	if s.SQS == nil {
		s.SQS = sqs.NewFromConfig(s.env.AWSConfig())
	}
	return s.SQS
}

func (s *Service) lambdaClient() LambdaInvoker {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	if s.Lambda == nil {
		s.Lambda = lambda.NewFromConfig(s.env.AWSConfig())
	}
	return s.Lambda
}
