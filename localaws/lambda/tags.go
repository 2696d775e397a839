package lambda

import (
	"maps"
	"net/http"
	"regexp"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

var mappingARNPattern = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):event-source-mapping:([0-9a-f-]{36})$`)

// taggable returns the live tag map of a function or event source mapping ARN; the
// caller holds s.mu.
func (s *Service) taggable(arn string) (map[string]string, error) {
	if m := mappingARNPattern.FindStringSubmatch(arn); m != nil {
		mp := s.mappings[m[3]]
		if mp == nil || m[1] != s.env.Region || m[2] != s.env.Account {
			return nil, resourceNotFound("The resource you requested does not exist.")
		}
		return mp.tags, nil
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
	return f.tags, nil
}

// ListTags lists the tags of a function or event source mapping.
func (s *Service) ListTags(r *http.Request) (int, any, error) {
	return s.withTags(r, func(tags map[string]string) (int, any, error) {
		return http.StatusOK, TagsOutput{Tags: maps.Clone(tags)}, nil
	})
}

// withTags runs fn under s.mu on the tags of the request's {Resource}.
func (s *Service) withTags(r *http.Request, fn func(map[string]string) (int, any, error)) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.taggable(r.PathValue("Resource"))
	if err != nil {
		return 0, nil, err
	}
	return fn(tags)
}

// TagResource adds or overwrites tags.
func (s *Service) TagResource(r *http.Request) (int, any, error) {
	var in TagsInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	var errs fieldErrors
	for k, v := range in.Tags {
		errs.length("tags.key", k, 1, 128)
		errs.length("tags.value", v, 0, 256)
	}
	if err := errs.err(); err != nil {
		return 0, nil, err
	}
	return s.withTags(r, func(tags map[string]string) (int, any, error) {
		maps.Copy(tags, in.Tags)
		return http.StatusNoContent, nil, nil
	})
}

// UntagResource removes the ?tagKeys.
func (s *Service) UntagResource(r *http.Request) (int, any, error) {
	return s.withTags(r, func(tags map[string]string) (int, any, error) {
		for _, k := range r.URL.Query()["tagKeys"] {
			delete(tags, k)
		}
		return http.StatusNoContent, nil, nil
	})
}
