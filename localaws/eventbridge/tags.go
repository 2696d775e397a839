package eventbridge

import (
	"context"
	"fmt"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

const maxTags = 50

// tagMap validates tags as AWS does and returns them as a map.
func tagMap(tags []Tag) (map[string]string, error) {
	m := make(map[string]string, len(tags))
	for i, t := range tags {
		if t.Key == nil {
			return nil, required(fmt.Sprintf("tags.%d.member.key", i+1), nil)
		}
		if t.Value == nil {
			return nil, required(fmt.Sprintf("tags.%d.member.value", i+1), nil)
		}
		if err := constraint(fmt.Sprintf("tags.%d.member.key", i+1), *t.Key, nil, 1, 128); err != nil {
			return nil, err
		}
		if err := constraint(fmt.Sprintf("tags.%d.member.value", i+1), *t.Value, nil, 0, 256); err != nil {
			return nil, err
		}
		if _, dup := m[*t.Key]; dup {
			return nil, protocol.Validation("Invalid parameter: Duplicated keys are not allowed.")
		}
		m[*t.Key] = *t.Value
	}
	if len(m) > maxTags {
		return nil, protocol.Validation("Tags can't exceed %d.", maxTags)
	}
	return m, nil
}

// tagsOf finds the tags of a bus or rule ARN; s.mu must be held.
func (s *Service) tagsOf(arn *string) (map[string]string, error) {
	if err := required("resourceARN", arn); err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("arn:%s:events:%s:%s:", core.Partition, s.env.Region, s.env.Account)
	resource, ok := strings.CutPrefix(*arn, prefix)
	if !ok {
		return nil, protocol.NotFound("ResourceNotFoundException", "Resource %s does not exist.", *arn)
	}
	if name, ok := strings.CutPrefix(resource, "event-bus/"); ok {
		b, err := s.lookupBus(name)
		if err != nil {
			return nil, err
		}
		return b.tags, nil
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
		return r.tags, nil
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
	add, err := tagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	n := len(tags)
	for k := range add {
		if _, ok := tags[k]; !ok {
			n++
		}
	}
	if n > maxTags {
		return nil, protocol.Validation("Tags can't exceed %d.", maxTags)
	}
	for k, v := range add {
		tags[k] = v
	}
	return nil, nil
}

// UntagResourceInput is the UntagResource request.
type UntagResourceInput struct {
	ResourceARN *string
	TagKeys     []string
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(_ context.Context, in *UntagResourceInput) (*struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(tags, k)
	}
	return nil, nil
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
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	out := &ListTagsForResourceOutput{Tags: []Tag{}}
	for _, k := range sortedNames(tags) {
		out.Tags = append(out.Tags, Tag{Key: &k, Value: new(tags[k])})
	}
	return out, nil
}
