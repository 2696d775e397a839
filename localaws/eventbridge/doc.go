// Package eventbridge emulates Amazon EventBridge over AWS JSON 1.1: event buses,
// rules with event patterns (package pattern), targets, tags, and PutEvents.
//
// PutEvents answers at once with an EventId or an error per entry, then delivers
// each accepted event in the background to the targets of the enabled rules of its
// bus that match it:
//   - an SQS queue gets SendMessage with the event (or the target's Input, InputPath
//     or InputTransformer result); FIFO queues get the target's MessageGroupId and
//     the event ID as deduplication ID;
//   - a Lambda function gets Invoke with InvocationType Event, as EventBridge does.
//
// Both go through real SDK clients pointed back at localaws, so they exercise the
// same wire protocols as any other client.
//
// A failed delivery is retried per the target's RetryPolicy (default 185 attempts,
// 24 hours). Missing targets and missing permissions are not retried, as in AWS.
// The backoff is scaled down (see DefaultBackoff) and runs on the service clock.
// When retries end, the event goes to the target's dead-letter queue with the
// attributes AWS adds: RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE,
// RETRY_ATTEMPTS and, when a limit ended the retries, EXHAUSTED_RETRY_CONDITION.
//
// Differences from AWS, each deliberate:
//   - schedule expressions are validated and stored, but no scheduled events are
//     generated;
//   - only SQS and Lambda targets are delivered to; other targets are accepted and
//     their deliveries fail with INVALID_PARAMETER;
//   - resource policies, IAM roles and queue or function permissions are not checked;
//   - archives, replays, API destinations, connections, endpoints and partner event
//     sources are not served (UnknownOperationException).
package eventbridge
