package sqs

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// checkBatch applies the batch envelope rules shared by every batch operation.
func checkBatch(ids []string) error {
	if len(ids) == 0 {
		return errEmptyBatchRequest()
	}
	if len(ids) > maxBatchEntries {
		return errTooManyEntriesInBatchRequest(len(ids))
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !batchIDPattern.MatchString(id) {
			return errInvalidBatchEntryId(id)
		}
		if seen[id] {
			return errBatchEntryIdsNotDistinct(id)
		}
		seen[id] = true
	}
	return nil
}

// batchFailure reports an entry's error with its legacy code, as batch results carry.
func batchFailure(id string, err error) batchResultErrorEntry {
	e := protocol.AsError(err)
	code := e.QueryCode
	if code == "" {
		code = e.Code
	}
	return batchResultErrorEntry{Id: id, SenderFault: !e.Receiver && e.Status() < 500, Code: code, Message: e.Message}
}
