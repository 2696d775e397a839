package lambda

import (
	"net/http"
	"regexp"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

var mappingARNPattern = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):event-source-mapping:([0-9a-f-]{36})$`)

// taggable returns the live tag map of a function or event source mapping ARN; the
// caller holds s.mu.
func (s *Service) taggable(arn string) (*shape.TagSet, error) {
	if m := mappingARNPattern.FindStringSubmatch(arn); m != nil {
		mp := s.mappings[m[3]]
		if mp == nil || m[1] != s.env.Region || m[2] != s.env.Account {
			return nil, resourceNotFound("The resource you requested does not exist.")
		}
		return &mp.tags, nil
	}
	ref, err := parseFunctionRef(arn, "")
	if err != nil {
		return nil, err
	}
	if ref.Region == "" || ref.Account == "" {
		return nil, invalidParameter("Tags can only be managed by ARN; %s is not a function or event source mapping ARN.", arn)
	}
	if ref.Qualifier != "" {
		return nil, invalidParameter("Tags are not supported on function versions or aliases: %s", arn)
	}
	f, _, err := s.lookup(ref)
	if err != nil {
		return nil, err
	}
	return &f.tags, nil
}

// ListTags lists the tags of a function or event source mapping.
func (s *Service) ListTags(r *http.Request) (int, any, error) {
	return s.withTags(r, func(tags *shape.TagSet) (int, any, error) {
		return http.StatusOK, TagsOutput{Tags: tags.Map()}, nil
	})
}

// withTags runs fn under s.mu on the tags of the request's {Resource}.
func (s *Service) withTags(r *http.Request, fn func(*shape.TagSet) (int, any, error)) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.taggable(r.PathValue("Resource"))
	if err != nil {
		return 0, nil, err
	}
	return fn(tags)
}

// tagging is Lambda's words for broken tag rules: lengths as a ValidationException.
var tagging = shape.Tagging{Err: func(e shape.TagError) error {
	var errs shape.Violations
	switch e.Fault {
	case shape.TooManyTags:
		return invalidParameter("Number of tags exceeds resource tag limit.")
	case shape.TagValueLength:
		errs.Length("tags.value", e.Tag.Value, 0, shape.MaxTagValueLen)
	default:
		errs.Length("tags.key", e.Tag.Key, 1, shape.MaxTagKeyLen)
	}
	return errs.Err(protocol.Validation)
}}

// TagResource adds or overwrites tags.
func (s *Service) TagResource(r *http.Request) (int, any, error) {
	var in TagsInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	add := shape.TagsOf(in.Tags)
	if err := tagging.Check(add); err != nil {
		return 0, nil, err
	}
	return s.withTags(r, func(tags *shape.TagSet) (int, any, error) {
		return http.StatusNoContent, nil, tagging.Merge(tags, add)
	})
}

// UntagResource removes the ?tagKeys.
func (s *Service) UntagResource(r *http.Request) (int, any, error) {
	return s.withTags(r, func(tags *shape.TagSet) (int, any, error) {
		tagging.Remove(tags, r.URL.Query()["tagKeys"])
		return http.StatusNoContent, nil, nil
	})
}
