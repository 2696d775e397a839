package iam

import (
	"net/url"
	"regexp"
	"unicode"
	"unicode/utf8"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
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
			patterns[p.pattern] = shape.Anchored(p.pattern)
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
	tagKeyParam         = param{name: "Key", min: 1, max: shape.MaxTagKeyLen, pattern: shape.TagCharsetPattern + "+"}
	tagValueParam       = param{name: "Value", max: shape.MaxTagValueLen, pattern: shape.TagCharsetPattern + "*"}
)

// member is the camelCase name IAM uses for a parameter in validation messages.
func (p param) member() string {
	r, n := utf8.DecodeRuneInString(p.name)
	return string(unicode.ToLower(r)) + p.name[n:]
}

// check validates a value that is present, stopping at the first violation.
func (p param) check(v string) error {
	var errs shape.Violations
	errs.Length(p.member(), v, p.min, p.max)
	if p.pattern != "" && errs.Len() == 0 {
		errs.Pattern(p.member(), v, patterns[p.pattern])
	}
	return errs.Err(validationError)
}

// null is the error for the parameter missing at member (its camelCase name when "").
func (p param) null(member string) error {
	if member == "" {
		member = p.member()
	}
	var errs shape.Violations
	errs.Null(member)
	return errs.Err(validationError)
}

// required returns the parameter, which must be present and valid.
func (p param) required(form url.Values) (string, error) {
	if _, ok := form[p.name]; !ok {
		return "", p.null("")
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
	return shape.ParseInt(validationError, param{name: name}.member(), form.Get(name), lo, hi, def)
}

// Page is the pagination part of every IAM List* result.
type Page struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

// pages applies Marker and MaxItems (default 100, at most 1000) to a sorted list.
var pages = shape.Pager{SizeMember: "maxItems", DefaultSize: 100, MaxSize: 1000, Invalid: validationError,
	BadToken: func(string) error { return validationError("Invalid Marker.") }}

// paginate cuts the page that the request's Marker and MaxItems ask for.
func paginate[T any](form url.Values, items []T) ([]T, Page, error) {
	limit, err := pages.ParseSize(form.Get("MaxItems"))
	if err != nil {
		return nil, Page{}, err
	}
	marker, _, err := markerParam.optional(form, "")
	if err != nil {
		return nil, Page{}, err
	}
	items, next, err := shape.Page(pages, items, marker, limit)
	return items, Page{IsTruncated: next != "", Marker: next}, err
}

// pageOf paginates a sorted list and wraps the page in its List* result.
func pageOf[T any](form url.Values, items []T, result func([]T, Page) any) (any, error) {
	items, page, err := paginate(form, items)
	if err != nil {
		return nil, err
	}
	return result(items, page), nil
}
