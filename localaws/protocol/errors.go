// Package protocol holds the wire codecs every localaws service shares: AWS JSON 1.0/1.1,
// REST-JSON and query/XML. A service returns values and *Error; it never writes an
// envelope itself.
package protocol

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS service error. Each codec renders it in its protocol's shape.
type Error struct {
	// Code is the error code the SDK reports, e.g. "ResourceNotFoundException".
	Code string
	// Message is the human-readable text.
	Message string
	// HTTPStatus is the response status; 400 when zero.
	HTTPStatus int
	// Receiver marks a server-side fault (query <Type>Receiver</Type>); the default is Sender.
	Receiver bool
	// QueryCode, when set, is sent in the x-amzn-query-error header of JSON protocols.
	// SQS uses it for its legacy codes, e.g. "AWS.SimpleQueueService.NonExistentQueue".
	QueryCode string
	// Type is the REST-JSON "Type" body field (Lambda: "User" or "Service"); derived when empty.
	Type string
	// Fields are extra members of a JSON error body, e.g. Lambda's
	// TooManyRequestsException "Reason" or DynamoDB's CancellationReasons; they never
	// replace "Type", "__type" or "message".
	Fields map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Status returns the HTTP status, defaulting to 400.
func (e *Error) Status() int {
	if e.HTTPStatus == 0 {
		return http.StatusBadRequest
	}
	return e.HTTPStatus
}

func (e *Error) faultType() string {
	if e.Receiver || e.Status() >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// Errorf builds a client error with the given status and code.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), HTTPStatus: status}
}

// Validation is the generic 400 ValidationException.
func Validation(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

// NotFound is a 404 with the given code.
func NotFound(code, format string, args ...any) *Error {
	return Errorf(http.StatusNotFound, code, format, args...)
}

// Internal wraps an unexpected error as a 500 the SDK will treat as retryable.
func Internal(err error) *Error {
	return &Error{Code: "InternalFailure", Message: err.Error(), HTTPStatus: http.StatusInternalServerError, Receiver: true}
}

// AsError returns err as *Error, wrapping anything else as an internal failure.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}
