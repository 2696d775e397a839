package iam

import (
	"net/url"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// maxTags is IAM's limit of tags per role or policy.
const maxTags = 50

// Tag is one IAM tag, as it appears in requests and responses.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// tagSet holds a resource's tags. IAM treats tag keys case-insensitively (one key per
// spelling-insensitive name) but returns the spelling last written.
type tagSet map[string]Tag

// tagsParam reads Tags.member.N.Key/Value, rejecting invalid and duplicate keys.
func tagsParam(form url.Values) ([]Tag, error) {
	var tags []Tag
	seen := map[string]bool{}
	for _, m := range protocol.Members(form, "Tags.member") {
		t := Tag{Key: m["Key"], Value: m["Value"]}
		if _, ok := m["Key"]; !ok {
			return nil, validationError("1 validation error detected: Value null at 'tags.member.key' failed to " +
				"satisfy constraint: Member must not be null")
		}
		if err := tagKeyParam.check(t.Key); err != nil {
			return nil, err
		}
		if err := tagValueParam.check(t.Value); err != nil {
			return nil, err
		}
		if seen[key(t.Key)] {
			return nil, invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[key(t.Key)] = true
		tags = append(tags, t)
	}
	return tags, nil
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

// add merges tags, failing without change when the result would exceed the quota.
func (ts *tagSet) add(tags []Tag) error {
	merged := tagSet{}
	for k, t := range *ts {
		merged[k] = t
	}
	for _, t := range tags {
		merged[key(t.Key)] = t
	}
	if len(merged) > maxTags {
		return limitExceeded("The number of tags has reached the maximum limit.")
	}
	*ts = merged
	return nil
}

func (ts tagSet) remove(keys []string) {
	for _, k := range keys {
		delete(ts, key(k))
	}
}

// list returns the tags sorted by key.
func (ts tagSet) list() []Tag {
	out := make([]Tag, 0, len(ts))
	for _, t := range ts {
		out = append(out, t)
	}
	sortByName(out, func(t Tag) string { return t.Key })
	return out
}

// TagMembers is the Tags element inside a Role or Policy, which IAM leaves out when
// there are no tags (a []Tag field would always be written, if empty).
type TagMembers struct {
	Member []Tag `xml:"member"`
}

// members returns the tags for a Role or Policy element, or nil when there are none.
func (ts tagSet) members() *TagMembers {
	if len(ts) == 0 {
		return nil
	}
	return &TagMembers{Member: ts.list()}
}

// TagList is the ListRoleTags and ListPolicyTags result.
type TagList struct {
	Tags []Tag `xml:"Tags>member"`
	Page
}

// tagged is a resource that carries tags: a role or a customer managed policy.
type tagged interface{ tagging() *tagSet }

func (r *role) tagging() *tagSet          { return &r.tags }
func (p *managedPolicy) tagging() *tagSet { return &p.tags }

// tagResource serves TagRole and TagPolicy for the resource that find reads from the form.
func tagResource[T tagged](s *Service, form url.Values, find func(url.Values) (T, error)) (any, error) {
	tags, err := tagsParam(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, find, func(r T) (any, error) { return nil, r.tagging().add(tags) })
}

// untagResource serves UntagRole and UntagPolicy; unknown keys are ignored, as in IAM.
func untagResource[T tagged](s *Service, form url.Values, find func(url.Values) (T, error)) (any, error) {
	keys, err := tagKeysParam(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, find, func(r T) (any, error) {
		r.tagging().remove(keys)
		return nil, nil
	})
}

// listResourceTags serves ListRoleTags and ListPolicyTags.
func listResourceTags[T tagged](s *Service, form url.Values, find func(url.Values) (T, error)) (any, error) {
	return locked(s, form, find, func(r T) (any, error) {
		return pageOf(form, r.tagging().list(), func(tags []Tag, p Page) any { return &TagList{Tags: tags, Page: p} })
	})
}
