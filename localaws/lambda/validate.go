package lambda

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
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

// fieldErrors collects violations of the API model's constraints, which Lambda reports
// together as one ValidationException ("2 validation errors detected: ...; ...").
type fieldErrors []string

func (e *fieldErrors) add(value any, field, constraint string, args ...any) {
	*e = append(*e, fmt.Sprintf("Value '%v' at '%s' failed to satisfy constraint: Member must %s",
		value, field, fmt.Sprintf(constraint, args...)))
}

func (e *fieldErrors) intRange(field string, v *int, lo, hi int) {
	switch {
	case v == nil:
	case *v < lo:
		e.add(*v, field, "have value greater than or equal to %d", lo)
	case *v > hi:
		e.add(*v, field, "have value less than or equal to %d", hi)
	}
}

func (e *fieldErrors) length(field, v string, lo, hi int) {
	switch n := len(v); {
	case n < lo:
		e.add(v, field, "have length greater than or equal to %d", lo)
	case n > hi:
		e.add(v, field, "have length less than or equal to %d", hi)
	}
}

// pattern checks a full match; re must be anchored.
func (e *fieldErrors) pattern(field, v string, re *regexp.Regexp) {
	if !re.MatchString(v) {
		e.add(v, field, "satisfy regular expression pattern: %s", strings.TrimSuffix(strings.TrimPrefix(re.String(), "^"), "$"))
	}
}

// enum checks a non-empty value against its allowed set.
func (e *fieldErrors) enum(field, v string, allowed ...string) {
	if v != "" && !slices.Contains(allowed, v) {
		e.add(v, field, "satisfy enum value set: [%s]", strings.Join(allowed, ", "))
	}
}

func (e fieldErrors) err() error {
	switch len(e) {
	case 0:
		return nil
	case 1:
		return protocol.Validation("1 validation error detected: %s", e[0])
	}
	return protocol.Validation("%d validation errors detected: %s", len(e), strings.Join(e, "; "))
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
	sqsARNPattern      = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:sqs:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):([a-zA-Z0-9_-]{1,80}(?:\.fifo)?)$`)
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
	var errs fieldErrors
	errs.length("functionName", s, 1, 170)
	m := functionRefPattern.FindStringSubmatch(s)
	if m == nil {
		errs.pattern("functionName", s, functionRefPattern)
	} else if len(m[3]) > 64 {
		errs.length("functionName", m[3], 1, 64)
	}
	if err := errs.err(); err != nil {
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

// parseMaxItems reads ?MaxItems (1-10000), defaulting to def.
func parseMaxItems(r *http.Request, def int) (int, error) {
	v := r.URL.Query().Get("MaxItems")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, protocol.Validation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must be a number", v)
	}
	var errs fieldErrors
	errs.intRange("maxItems", &n, 1, 10000)
	return n, errs.err()
}

// page cuts one page of items after the opaque marker (an offset here).
func page[T any](items []T, marker string, max int) ([]T, *string, error) {
	start := 0
	if marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, invalidParameter("Invalid marker: %s", marker)
		}
		start = n
	}
	end := min(start+max, len(items))
	if end == len(items) {
		return items[start:end], nil, nil
	}
	next := strconv.Itoa(end)
	return items[start:end], &next, nil
}

// pageOutput cuts the page after the request's Marker and wraps it in its List* output.
func pageOutput[T any](r *http.Request, items []T, max int, wrap func([]T, *string) any) (int, any, error) {
	items, next, err := page(items, r.URL.Query().Get("Marker"), max)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, wrap(items, next), nil
}

// validateTenantID applies the Invoke API's TenantId constraints (1-256 characters of
// [a-zA-Z0-9._:/=+-@ ]).
func validateTenantID(id string) error {
	var errs fieldErrors
	errs.length("tenantId", id, 1, 256)
	if id != "" {
		errs.pattern("tenantId", id, tenantIDPattern)
	}
	return errs.err()
}
