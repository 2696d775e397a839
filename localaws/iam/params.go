package iam

import (
	"net/url"
	"regexp"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// param is one request parameter with the constraints of IAM's API model. IAM reports
// a violated constraint as a ValidationError naming the member in camelCase.
type param struct {
	name     string // query name, e.g. "RoleName"
	min, max int    // length bounds in characters; max 0 means unbounded
	pattern  string // the model's pattern, matched against the whole value; "" for none
}

var patterns = map[string]*regexp.Regexp{}

func init() {
	for _, p := range []param{roleNameParam, policyNameParam, pathParam, pathPrefixParam, descriptionParam,
		policyDocumentParam, policyARNParam, versionIDParam, markerParam, tagKeyParam, tagValueParam} {
		if p.pattern != "" {
			patterns[p.pattern] = regexp.MustCompile(`^(?:` + p.pattern + `)$`)
		}
	}
}

var (
	roleNameParam       = param{name: "RoleName", min: 1, max: 64, pattern: `[\w+=,.@-]+`}
	policyNameParam     = param{name: "PolicyName", min: 1, max: 128, pattern: `[\w+=,.@-]+`}
	pathParam           = param{name: "Path", min: 1, max: 512, pattern: `(/)|(/[\x{21}-\x{7E}]+/)`}
	pathPrefixParam     = param{name: "PathPrefix", min: 1, max: 512, pattern: `/[\x{21}-\x{7F}]*`}
	descriptionParam    = param{name: "Description", max: 1000, pattern: `[\t\n\r\x{20}-\x{7E}\x{A1}-\x{FF}]*`}
	policyDocumentParam = param{name: "PolicyDocument", min: 1, max: 131072, pattern: `[\t\n\r\x{20}-\x{FF}]+`}
	policyARNParam      = param{name: "PolicyArn", min: 20, max: 2048}
	versionIDParam      = param{name: "VersionId", pattern: `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`}
	markerParam         = param{name: "Marker", min: 1, max: 320, pattern: `[\x{20}-\x{FF}]+`}
	tagKeyParam         = param{name: "Key", min: 1, max: 128, pattern: `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`}
	tagValueParam       = param{name: "Value", max: 256, pattern: `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`}
)

// member is the camelCase name IAM uses for a parameter in validation messages.
func (p param) member() string {
	r, n := utf8.DecodeRuneInString(p.name)
	return string(unicode.ToLower(r)) + p.name[n:]
}

// check validates a value that is present.
func (p param) check(v string) error {
	n := utf8.RuneCountInString(v)
	switch {
	case n < p.min:
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "+
			"Member must have length greater than or equal to %d", v, p.member(), p.min)
	case p.max > 0 && n > p.max:
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "+
			"Member must have length less than or equal to %d", v, p.member(), p.max)
	case p.pattern != "" && !patterns[p.pattern].MatchString(v):
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "+
			"Member must satisfy regular expression pattern: %s", v, p.member(), p.pattern)
	}
	return nil
}

// required returns the parameter, which must be present and valid.
func (p param) required(form url.Values) (string, error) {
	if _, ok := form[p.name]; !ok {
		return "", validationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: "+
			"Member must not be null", p.member())
	}
	v := form.Get(p.name)
	return v, p.check(v)
}

// optional returns the parameter or def when it is absent; a present value must be valid.
func (p param) optional(form url.Values, def string) (string, bool, error) {
	if _, ok := form[p.name]; !ok {
		return def, false, nil
	}
	v := form.Get(p.name)
	return v, true, p.check(v)
}

// intParam reads an optional integer parameter within [lo, hi].
func intParam(form url.Values, name string, lo, hi, def int) (int, error) {
	raw := form.Get(name)
	if raw == "" {
		return def, nil
	}
	member := param{name: name}.member()
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "+
			"Member must be an integer", raw, member)
	}
	if n < lo {
		return 0, validationError("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: "+
			"Member must have value greater than or equal to %d", n, member, lo)
	}
	if n > hi {
		return 0, validationError("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: "+
			"Member must have value less than or equal to %d", n, member, hi)
	}
	return n, nil
}

// Page is the pagination part of every IAM List* result.
type Page struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

// paginate applies Marker and MaxItems (default 100, at most 1000) to a sorted list. The
// marker is the offset of the next item: opaque to callers, as in IAM.
func paginate[T any](form url.Values, items []T) ([]T, Page, error) {
	limit, err := intParam(form, "MaxItems", 1, 1000, 100)
	if err != nil {
		return nil, Page{}, err
	}
	start := 0
	if m, present, err := markerParam.optional(form, ""); err != nil {
		return nil, Page{}, err
	} else if present {
		start, err = strconv.Atoi(m)
		if err != nil || start < 0 || start > len(items) {
			return nil, Page{}, validationError("Invalid Marker.")
		}
	}
	end := min(start+limit, len(items))
	page := Page{IsTruncated: end < len(items)}
	if page.IsTruncated {
		page.Marker = strconv.Itoa(end)
	}
	return items[start:end], page, nil
}

// pageOf paginates a sorted list and wraps the page in its List* result.
func pageOf[T any](form url.Values, items []T, result func([]T, Page) any) (any, error) {
	items, page, err := paginate(form, items)
	if err != nil {
		return nil, err
	}
	return result(items, page), nil
}
