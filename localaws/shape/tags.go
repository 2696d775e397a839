package shape

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// AWS's tag limits, the same in every service. Lengths count characters.
const (
	MaxTags        = 50
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
)

// Tag is one tag as a request gives it.
type Tag struct {
	Key, Value string
}

// TagFault is the rule a tag breaks.
type TagFault int

// The tag rules, in the order Check applies them to each tag.
const (
	TagKeyLength    TagFault = iota + 1 // key empty or over MaxTagKeyLen characters
	TagKeyCharset                       // key outside TagCharset, where the service checks it
	TagKeyReserved                      // key starts with "aws:", where the service reserves it
	TagValueLength                      // value over MaxTagValueLen characters
	TagValueCharset                     // value outside TagCharset, where the service checks it
	TagKeyDuplicate                     // key given twice in one request
	TooManyTags                         // the resource would carry over MaxTags
)

// TagError is one broken rule and the tag it is about, by its index in the request
// (-1 for TooManyTags).
type TagError struct {
	Fault TagFault
	Index int
	Tag   Tag
}

// tagCharset is what IAM, CloudWatch Logs and other services allow in keys and values:
// letters, spaces, digits and _.:/=+-@.
var tagCharset = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// TagCharsetPattern is that character set as the API models spell it.
const TagCharsetPattern = `[\p{L}\p{Z}\p{N}_.:/=+\-@]`

// Tagging is one service's tag rules and its words for breaking them. Services differ
// in which optional rules they apply and in their error codes and texts; the limits are
// AWS's and live only here.
type Tagging struct {
	// Charset limits keys and values to TagCharsetPattern.
	Charset bool
	// ReserveAWSPrefix refuses keys that start with "aws:" in any case.
	ReserveAWSPrefix bool
	// FoldCase makes keys that differ only in case one key, keeping the spelling last
	// written (IAM).
	FoldCase bool
	// Err is the service's error for a broken rule.
	Err func(TagError) error
}

// TagSet is one resource's tags. The zero value is empty and ready to use.
type TagSet struct {
	tags map[string]Tag // by key, folded when the service folds case
}

// Len is the number of tags.
func (s *TagSet) Len() int { return len(s.tags) }

// Map returns the tags as a new map, safe to encode after the caller's lock is released.
func (s *TagSet) Map() map[string]string {
	out := make(map[string]string, len(s.tags))
	for _, t := range s.tags {
		out[t.Key] = t.Value
	}
	return out
}

// List returns the tags sorted by key.
func (s *TagSet) List() []Tag {
	out := slices.Collect(maps.Values(s.tags))
	slices.SortFunc(out, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func (t Tagging) key(k string) string {
	if t.FoldCase {
		return strings.ToLower(k)
	}
	return k
}

// Check applies every rule to the tags of one request, in request order, and the
// limit to their number.
func (t Tagging) Check(tags []Tag) error {
	seen := make(map[string]bool, len(tags))
	for i, tag := range tags {
		if f := t.fault(tag); f != 0 {
			return t.Err(TagError{Fault: f, Index: i, Tag: tag})
		}
		k := t.key(tag.Key)
		if seen[k] {
			return t.Err(TagError{Fault: TagKeyDuplicate, Index: i, Tag: tag})
		}
		seen[k] = true
	}
	if len(seen) > MaxTags {
		return t.Err(TagError{Fault: TooManyTags, Index: -1})
	}
	return nil
}

func (t Tagging) fault(tag Tag) TagFault {
	switch n := utf8.RuneCountInString(tag.Key); {
	case n == 0 || n > MaxTagKeyLen:
		return TagKeyLength
	case t.Charset && !tagCharset.MatchString(tag.Key):
		return TagKeyCharset
	case t.ReserveAWSPrefix && strings.HasPrefix(strings.ToLower(tag.Key), "aws:"):
		return TagKeyReserved
	case utf8.RuneCountInString(tag.Value) > MaxTagValueLen:
		return TagValueLength
	case t.Charset && !tagCharset.MatchString(tag.Value):
		return TagValueCharset
	}
	return 0
}

// Merge checks the tags of one request and adds them to set, overwriting equal keys.
// It changes nothing when a rule breaks, including the limit on the merged set.
func (t Tagging) Merge(set *TagSet, add []Tag) error {
	if err := t.Check(add); err != nil {
		return err
	}
	merged := maps.Clone(set.tags)
	if merged == nil {
		merged = make(map[string]Tag, len(add))
	}
	for _, tag := range add {
		merged[t.key(tag.Key)] = tag
	}
	if len(merged) > MaxTags {
		return t.Err(TagError{Fault: TooManyTags, Index: -1})
	}
	set.tags = merged
	return nil
}

// Remove deletes tags by key; keys the set does not hold are ignored, as in AWS.
func (t Tagging) Remove(set *TagSet, keys []string) {
	for _, k := range keys {
		delete(set.tags, t.key(k))
	}
}

// TagsOf returns a request's tag map as tags sorted by key, so that the first broken
// rule reported is the same on every call.
func TagsOf(m map[string]string) []Tag {
	out := make([]Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Tag{Key: k, Value: m[k]})
	}
	return out
}
