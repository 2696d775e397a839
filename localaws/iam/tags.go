package iam

import (
	"net/url"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Tag is one IAM tag, as it appears in requests and responses.
type Tag = shape.Tag

// tagging is IAM's tag rules and words: keys and values in the tag character set, and
// keys case-insensitive (one key per spelling-insensitive name), returned in the
// spelling last written.
var tagging = shape.Tagging{Charset: true, FoldCase: true, Err: func(e shape.TagError) error {
	switch e.Fault {
	case shape.TagKeyDuplicate:
		return invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	case shape.TooManyTags:
		return limitExceeded("The number of tags has reached the maximum limit.")
	case shape.TagValueLength, shape.TagValueCharset:
		return tagValueParam.check(e.Tag.Value)
	}
	return tagKeyParam.check(e.Tag.Key)
}}

// tagsParam reads Tags.member.N.Key/Value, rejecting invalid and duplicate keys.
func tagsParam(form url.Values) ([]Tag, error) {
	var tags []Tag
	for _, m := range protocol.Members(form, "Tags.member") {
		if _, ok := m["Key"]; !ok {
			return nil, tagKeyParam.null("tags.member.key")
		}
		tags = append(tags, Tag{Key: m["Key"], Value: m["Value"]})
	}
	return tags, tagging.Check(tags)
}

// tagKeysParam reads TagKeys.member.N.
func tagKeysParam(form url.Values) ([]string, error) {
	var keys []string
	for _, m := range protocol.Members(form, "TagKeys.member") {
		if err := tagKeyParam.check(m[""]); err != nil {
			return nil, err
		}
		keys = append(keys, m[""])
	}
	return keys, nil
}

// tagList returns a resource's tags in IAM's order.
func tagList(ts *shape.TagSet) []Tag {
	out := ts.List()
	sortByName(out, func(t Tag) string { return t.Key })
	return out
}

// TagMembers is the Tags element inside a Role or Policy, which IAM leaves out when
// there are no tags (a []Tag field would always be written, if empty).
type TagMembers struct {
	Member []Tag `xml:"member"`
}

// tagMembers returns the tags for a Role or Policy element, or nil when there are none.
func tagMembers(ts *shape.TagSet) *TagMembers {
	if ts.Len() == 0 {
		return nil
	}
	return &TagMembers{Member: tagList(ts)}
}

// TagList is the ListRoleTags and ListPolicyTags result.
type TagList struct {
	Tags []Tag `xml:"Tags>member"`
	Page
}

// tagged is a resource that carries tags: a role or a customer managed policy.
type tagged interface{ tagSet() *shape.TagSet }

func (r *role) tagSet() *shape.TagSet          { return &r.tags }
func (p *managedPolicy) tagSet() *shape.TagSet { return &p.tags }

// tagResource serves TagRole and TagPolicy for the resource that find reads from the form.
func tagResource[T tagged](s *Service, form url.Values, find func(url.Values) (T, error)) (any, error) {
	tags, err := tagsParam(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, find, func(r T) (any, error) { return nil, tagging.Merge(r.tagSet(), tags) })
}

// untagResource serves UntagRole and UntagPolicy; unknown keys are ignored, as in IAM.
func untagResource[T tagged](s *Service, form url.Values, find func(url.Values) (T, error)) (any, error) {
	keys, err := tagKeysParam(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, find, func(r T) (any, error) {
		tagging.Remove(r.tagSet(), keys)
		return nil, nil
	})
}

// listResourceTags serves ListRoleTags and ListPolicyTags.
func listResourceTags[T tagged](s *Service, form url.Values, find func(url.Values) (T, error)) (any, error) {
	return locked(s, form, find, func(r T) (any, error) {
		return pageOf(form, tagList(r.tagSet()), func(tags []Tag, p Page) any { return &TagList{Tags: tags, Page: p} })
	})
}
