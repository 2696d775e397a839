package eventbridge

import (
	"context"
	"fmt"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// tagging is EventBridge's words for broken tag rules.
var tagging = shape.Tagging{Err: func(e shape.TagError) error {
	var errs shape.Violations
	switch e.Fault {
	case shape.TagKeyDuplicate:
		return protocol.Validation("Invalid parameter: Duplicated keys are not allowed.")
	case shape.TooManyTags:
		return protocol.Validation("Tags can't exceed %d.", shape.MaxTags)
	case shape.TagValueLength:
		errs.Length(fmt.Sprintf("tags.%d.member.value", e.Index+1), e.Tag.Value, 0, shape.MaxTagValueLen)
	default:
		errs.Length(fmt.Sprintf("tags.%d.member.key", e.Index+1), e.Tag.Key, 1, shape.MaxTagKeyLen)
	}
	return errs.Err(protocol.Validation)
}}

// tagList reads the tags of a request, each of which must have a key and a value.
func tagList(tags []Tag) ([]shape.Tag, error) {
	out := make([]shape.Tag, len(tags))
	for i, t := range tags {
		if err := required(fmt.Sprintf("tags.%d.member.key", i+1), t.Key); err != nil {
			return nil, err
		}
		if err := required(fmt.Sprintf("tags.%d.member.value", i+1), t.Value); err != nil {
			return nil, err
		}
		out[i] = shape.Tag{Key: *t.Key, Value: *t.Value}
	}
	return out, nil
}

// mergeTags checks the tags of a request and adds them to set.
func mergeTags(set *shape.TagSet, tags []Tag) error {
	add, err := tagList(tags)
	if err != nil {
		return err
	}
	return tagging.Merge(set, add)
}

// inTags runs fn under s.mu on the tags of a bus or rule ARN.
func inTags[T any](s *Service, arn *string, fn func(*shape.TagSet) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*shape.TagSet, error) { return s.tagsOf(arn) }, fn)
}

// tagsOf finds the tags of a bus or rule ARN; s.mu must be held.
func (s *Service) tagsOf(arn *string) (*shape.TagSet, error) {
	if err := required("resourceARN", arn); err != nil {
		return nil, err
	}
	resource, ok := s.ownResource(*arn)
	if !ok {
		return nil, protocol.NotFound("ResourceNotFoundException", "Resource %s does not exist.", *arn)
	}
	if name, ok := strings.CutPrefix(resource, "event-bus/"); ok {
		b, err := s.lookupBus(name)
		if err != nil {
			return nil, err
		}
		return &b.tags, nil
	}
	if path, ok := strings.CutPrefix(resource, "rule/"); ok {
		busName, ruleName := DefaultBus, path
		if i := strings.LastIndex(path, "/"); i >= 0 {
			busName, ruleName = path[:i], path[i+1:]
		}
		_, r, err := s.lookupRule(&busName, ruleName)
		if err != nil {
			return nil, err
		}
		return &r.tags, nil
	}
	return nil, protocol.NotFound("ResourceNotFoundException", "Resource %s does not exist.", *arn)
}

// TagResourceInput is the TagResource request.
type TagResourceInput struct {
	ResourceARN *string
	Tags        []Tag
}

// TagResource adds or overwrites tags on a bus or rule.
func (s *Service) TagResource(_ context.Context, in *TagResourceInput) (*struct{}, error) {
	add, err := tagList(in.Tags)
	if err != nil {
		return nil, err
	}
	return inTags(s, in.ResourceARN, func(tags *shape.TagSet) (*struct{}, error) {
		return nil, tagging.Merge(tags, add)
	})
}

// UntagResourceInput is the UntagResource request.
type UntagResourceInput struct {
	ResourceARN *string
	TagKeys     []string
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(_ context.Context, in *UntagResourceInput) (*struct{}, error) {
	return inTags(s, in.ResourceARN, func(tags *shape.TagSet) (*struct{}, error) {
		tagging.Remove(tags, in.TagKeys)
		return nil, nil
	})
}

// ListTagsForResourceInput is the ListTagsForResource request.
type ListTagsForResourceInput struct {
	ResourceARN *string
}

// ListTagsForResourceOutput lists tags sorted by key.
type ListTagsForResourceOutput struct {
	Tags []Tag
}

// ListTagsForResource lists the tags of a bus or rule.
func (s *Service) ListTagsForResource(_ context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput,
	error) {
	return inTags(s, in.ResourceARN, func(tags *shape.TagSet) (*ListTagsForResourceOutput, error) {
		out := &ListTagsForResourceOutput{Tags: []Tag{}}
		for _, t := range tags.List() {
			out.Tags = append(out.Tags, Tag{Key: &t.Key, Value: &t.Value})
		}
		return out, nil
	})
}
