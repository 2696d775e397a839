// Package shape holds the request shapes every localaws service shares: field
// constraints, tag sets, offset pagination and ARNs. The rules are AWS's and the same
// everywhere; the words for breaking them are each service's own, so every helper
// takes the service's error constructor (after moto's TaggingService).
package shape

import "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"

// ErrorFunc builds one service's error for a request it refuses, such as
// protocol.Validation or a service's own invalidParameter.
type ErrorFunc func(format string, args ...any) *protocol.Error
