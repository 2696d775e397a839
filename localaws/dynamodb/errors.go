package dynamodb

import (
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// ddbError builds a DynamoDB error; every modelled DynamoDB error is a 400 unless said.
func ddbError(code, format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, code, format, args...)
}

// errInvalid is the ValidationException DynamoDB uses for semantic checks of a request,
// all worded "One or more parameter values were invalid: …".
func errInvalid(format string, args ...any) *protocol.Error {
	return protocol.Validation("One or more parameter values were invalid: "+format, args...)
}

// errTableNotFound is the control plane's not-found, whose text the provider matches
// to treat a deleted table as gone.
func errTableNotFound(name string) *protocol.Error {
	return ddbError("ResourceNotFoundException", "Requested resource not found: Table: %s not found", name)
}

func errResourceInUse(format string, args ...any) *protocol.Error {
	return ddbError("ResourceInUseException", format, args...)
}

func errNotImplemented(what string) *protocol.Error {
	return protocol.Validation("%s is not emulated by localaws", what)
}
