package async

import (
	"encoding/json"
	"time"
)

// Conditions of an invocation record.
const (
	ConditionSuccess          = "Success"
	ConditionRetriesExhausted = "RetriesExhausted"
	ConditionEventAgeExceeded = "EventAgeExceeded"
)

// Record is the invocation record Lambda sends to a destination.
type Record struct {
	Version         string           `json:"version"`
	Timestamp       string           `json:"timestamp"`
	RequestContext  RequestContext   `json:"requestContext"`
	RequestPayload  json.RawMessage  `json:"requestPayload"`
	ResponseContext *ResponseContext `json:"responseContext,omitempty"`
	ResponsePayload json.RawMessage  `json:"responsePayload,omitempty"`
}

// RequestContext says which invocation the record is about and how it ended.
type RequestContext struct {
	RequestID              string `json:"requestId"`
	FunctionARN            string `json:"functionArn"` // qualified, e.g. ...:function:name:$LATEST
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

// ResponseContext is the outcome of the last invocation.
type ResponseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion,omitempty"`
	FunctionError   string `json:"functionError,omitempty"`
}

// timestampLayout is the record's millisecond UTC timestamp, e.g. 2019-11-24T23:08:25.651Z.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// newRecord builds the record of ev. last is nil when the function never ran, in which
// case the record carries neither responseContext nor responsePayload.
func newRecord(ev Event, condition string, invokes int, last *attempt, now time.Time) Record {
	rec := Record{
		Version:   "1.0",
		Timestamp: now.UTC().Format(timestampLayout),
		RequestContext: RequestContext{RequestID: ev.RequestID, FunctionARN: ev.FunctionARN + ":" + qualifier(ev),
			Condition: condition, ApproximateInvokeCount: invokes},
		RequestPayload: jsonOrString(ev.Payload),
	}
	if last != nil {
		rec.ResponseContext = &ResponseContext{StatusCode: last.status, FunctionError: last.functionError}
		if last.status == 200 {
			rec.ResponseContext.ExecutedVersion = qualifier(ev)
		}
		rec.ResponsePayload = jsonOrString(last.payload)
	}
	return rec
}

func qualifier(ev Event) string {
	if ev.Qualifier == "" {
		return "$LATEST"
	}
	return ev.Qualifier
}

// jsonOrString embeds b as JSON when it is JSON, else as a JSON string (Lambda does
// the same with payloads that are not JSON). Empty is null.
func jsonOrString(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	s, _ := json.Marshal(string(b))
	return s
}
