package sqs

import (
	"fmt"
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// sqsError builds an SQS error. SQS speaks JSON but is "query compatible": the SDK
// reports the legacy code from x-amzn-query-error, and the provider matches on it.
func sqsError(status int, code, queryCode, format string, args ...any) *protocol.Error {
	return &protocol.Error{Code: code, QueryCode: queryCode, HTTPStatus: status, Message: fmt.Sprintf(format, args...)}
}

func errQueueDoesNotExist() *protocol.Error {
	return sqsError(http.StatusBadRequest, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
		"The specified queue does not exist.")
}

func errInvalidAddress(address string) *protocol.Error {
	return sqsError(http.StatusNotFound, "InvalidAddress", "InvalidAddress",
		"The address %s is not valid for this endpoint.", address)
}

func errQueueDeletedRecently(name string) *protocol.Error {
	return sqsError(http.StatusBadRequest, "QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently",
		"You must wait 60 seconds after deleting a queue before you can create another queue with the same name (%s).", name)
}

func errQueueNameExists(attr string) *protocol.Error {
	return sqsError(http.StatusBadRequest, "QueueNameExists", "QueueAlreadyExists",
		"A queue already exists with the same name and a different value for attribute %s", attr)
}

// errInvalidParameterValue and errMissingParameter are not modelled shapes: AWS sends
// them as coral service exceptions whose legacy codes are the familiar ones.
func errInvalidParameterValue(format string, args ...any) *protocol.Error {
	return sqsError(http.StatusBadRequest, "InvalidParameterValueException", "InvalidParameterValue", format, args...)
}

func errParamInvalid(param string, value any, reason string) *protocol.Error {
	return errInvalidParameterValue("Value %v for parameter %s is invalid. Reason: %s", value, param, reason)
}

func errMissingParameter(param string) *protocol.Error {
	return sqsError(http.StatusBadRequest, "MissingRequiredParameterException", "MissingParameter",
		"The request must contain the parameter %s.", param)
}

func errInvalidAttributeName(name string) *protocol.Error {
	return sqsError(http.StatusBadRequest, "InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", name)
}

func errInvalidAttributeValue(name string) *protocol.Error {
	return sqsError(http.StatusBadRequest, "InvalidAttributeValue", "InvalidAttributeValue",
		"Invalid value for the parameter %s.", name)
}

func errInvalidMessageContents(format string, args ...any) *protocol.Error {
	return sqsError(http.StatusBadRequest, "InvalidMessageContents", "InvalidMessageContents", format, args...)
}

func errReceiptHandleIsInvalid(handle string) *protocol.Error {
	return sqsError(http.StatusNotFound, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid",
		"The input receipt handle \"%s\" is not a valid receipt handle.", handle)
}

func errMessageNotInflight() *protocol.Error {
	return sqsError(http.StatusBadRequest, "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight",
		"The message referred to isn't in flight.")
}

func errPurgeQueueInProgress(url string) *protocol.Error {
	return sqsError(http.StatusForbidden, "PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress",
		"Only one PurgeQueue operation on %s is allowed every 60 seconds.", url)
}

func errEmptyBatchRequest() *protocol.Error {
	return sqsError(http.StatusBadRequest, "EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest",
		"There should be at least one entry in the request.")
}

func errTooManyEntriesInBatchRequest(n int) *protocol.Error {
	return sqsError(http.StatusBadRequest, "TooManyEntriesInBatchRequest",
		"AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
		"Maximum number of entries per request are %d. You have sent %d.", maxBatchEntries, n)
}

func errBatchEntryIdsNotDistinct(id string) *protocol.Error {
	return sqsError(http.StatusBadRequest, "BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
		"Id %s repeated.", id)
}

func errInvalidBatchEntryId(id string) *protocol.Error {
	return sqsError(http.StatusBadRequest, "InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId",
		"A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. Invalid id: %q.", id)
}

func errBatchRequestTooLong(size int) *protocol.Error {
	return sqsError(http.StatusBadRequest, "BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong",
		"Batch requests cannot be longer than %d bytes. You have sent %d bytes.", maxBatchBytes, size)
}

func errTooManyTags(url string) *protocol.Error {
	return errInvalidParameterValue("Too many tags added for queue %s.", url)
}
