package lambda

import (
	"net/http"
	"regexp"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Error helpers in Lambda's codes and statuses.

func invalidParameter(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "InvalidParameterValueException", format, args...)
}

func resourceNotFound(format string, args ...any) *protocol.Error {
	return protocol.NotFound("ResourceNotFoundException", format, args...)
}

func resourceConflict(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusConflict, "ResourceConflictException", format, args...)
}

func functionNotFound(arn string) *protocol.Error {
	return resourceNotFound("Function not found: %s", arn)
}

func preconditionFailed() *protocol.Error {
	return protocol.Errorf(http.StatusPreconditionFailed, "PreconditionFailedException",
		"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
}

var (
	// functionRefPattern is every form AWS accepts for FunctionName: a name, a partial
	// ARN (account:function:name) or a full ARN, each with an optional :qualifier.
	functionRefPattern = regexp.MustCompile(`^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$`)
	roleARNPattern     = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)
	statementIDPattern = regexp.MustCompile(`^([a-zA-Z0-9-_.]+)$`)
	actionPattern      = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
	tenantIDPattern    = regexp.MustCompile(`^[a-zA-Z0-9\._:\/=+\-@ ]+$`)
	logGroupPattern    = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	envKeyPattern      = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])+$`)
	destinationPattern = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:(sqs|sns|lambda|events|s3):[a-z0-9-]*:(\d{12})?:.+$`)
)

// functionRef is a parsed FunctionName.
type functionRef struct {
	Name      string
	Qualifier string // "" when the reference names no version
	Region    string // "" unless an ARN gave it
	Account   string // "" unless an ARN gave it
}

// parseFunctionRef parses any FunctionName form and reconciles its qualifier with a
// ?Qualifier parameter, as AWS does.
func parseFunctionRef(s, qualifier string) (functionRef, error) {
	var errs shape.Violations
	errs.Length("functionName", s, 1, 170)
	m := functionRefPattern.FindStringSubmatch(s)
	if m == nil {
		errs.Pattern("functionName", s, functionRefPattern)
	} else if len(m[3]) > 64 {
		errs.Length("functionName", m[3], 1, 64)
	}
	if err := errs.Err(protocol.Validation); err != nil {
		return functionRef{}, err
	}
	ref := functionRef{Name: m[3], Qualifier: m[4], Region: m[1], Account: m[2]}
	if qualifier != "" {
		if ref.Qualifier != "" && ref.Qualifier != qualifier {
			return functionRef{}, invalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
		}
		ref.Qualifier = qualifier
	}
	return ref, nil
}

// pager pages a List* operation whose MaxItems defaults to def; the marker is an offset.
func pager(def int) shape.Pager {
	return shape.Pager{SizeMember: "maxItems", DefaultSize: def, MaxSize: 10000, Invalid: protocol.Validation,
		BadToken: func(marker string) error { return invalidParameter("Invalid marker: %s", marker) }}
}

// parseMaxItems reads ?MaxItems (1-10000), defaulting to def.
func parseMaxItems(r *http.Request, def int) (int, error) {
	return pager(def).ParseSize(r.URL.Query().Get("MaxItems"))
}

// pageOutput cuts the page after the request's Marker and wraps it in its List* output.
func pageOutput[T any](r *http.Request, items []T, max int, wrap func([]T, *string) any) (int, any, error) {
	items, next, err := shape.Page(pager(max), items, r.URL.Query().Get("Marker"), max)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, wrap(items, shape.OrNil(next)), nil
}

// validateTenantID applies the Invoke API's TenantId constraints (1-256 characters of
// [a-zA-Z0-9._:/=+-@ ]).
func validateTenantID(id string) error {
	var errs shape.Violations
	errs.Length("tenantId", id, 1, 256)
	if id != "" {
		errs.Pattern("tenantId", id, tenantIDPattern)
	}
	return errs.Err(protocol.Validation)
}
