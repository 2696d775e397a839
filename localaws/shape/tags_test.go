package shape_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// faultOf reports the rule a tag set breaks, so the tests see what a service's Err gets.
var faultOf = func(e shape.TagError) error { return fmt.Errorf("fault %d at %d", e.Fault, e.Index) }

func manyTags(n int) []shape.Tag {
	out := make([]shape.Tag, n)
	for i := range out {
		out[i] = shape.Tag{Key: fmt.Sprintf("k%02d", i), Value: "v"}
	}
	return out
}

func TestTaggingCheck(t *testing.T) {
	plain := shape.Tagging{Err: faultOf}
	strict := shape.Tagging{Charset: true, ReserveAWSPrefix: true, FoldCase: true, Err: faultOf}
	tests := []struct {
		name    string
		rules   shape.Tagging
		tags    []shape.Tag
		want    shape.TagFault // 0 for none
		atIndex int
	}{
		{"keys and values at their limits in characters pass", plain,
			[]shape.Tag{{strings.Repeat("ü", 128), strings.Repeat("ü", 256)}}, 0, 0},
		{"an empty key is refused", plain, []shape.Tag{{"", "v"}}, shape.TagKeyLength, 0},
		{"a key over 128 characters is refused", plain,
			[]shape.Tag{{"ok", ""}, {strings.Repeat("k", 129), "v"}}, shape.TagKeyLength, 1},
		{"a value over 256 characters is refused", plain, []shape.Tag{{"k", strings.Repeat("v", 257)}},
			shape.TagValueLength, 0},
		{"an empty value is allowed", plain, []shape.Tag{{"k", ""}}, 0, 0},
		{"a key outside the charset passes where the service does not check it", plain, []shape.Tag{{"a*b", "v"}}, 0, 0},
		{"a key outside the charset is refused where it does", strict, []shape.Tag{{"a*b", "v"}},
			shape.TagKeyCharset, 0},
		{"a value outside the charset is refused where it does", strict, []shape.Tag{{"k", "a|b"}},
			shape.TagValueCharset, 0},
		{"an aws: key is refused in any case where reserved", strict, []shape.Tag{{"AWS:owner", "v"}},
			shape.TagKeyReserved, 0},
		{"an aws: key passes where not reserved", plain, []shape.Tag{{"aws:owner", "v"}}, 0, 0},
		{"a key given twice is a duplicate", plain, []shape.Tag{{"k", "1"}, {"k", "2"}}, shape.TagKeyDuplicate, 1},
		{"keys that differ in case are duplicates where case folds", strict,
			[]shape.Tag{{"Team", "1"}, {"team", "2"}}, shape.TagKeyDuplicate, 1},
		{"keys that differ in case are two keys elsewhere", plain, []shape.Tag{{"Team", "1"}, {"team", "2"}}, 0, 0},
		{"fifty tags are allowed", plain, manyTags(50), 0, 0},
		{"fifty-one tags are too many", plain, manyTags(51), shape.TooManyTags, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rules.Check(tc.tags)
			if tc.want == 0 {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, fmt.Sprintf("fault %d at %d", tc.want, tc.atIndex))
		})
	}
}

func TestTaggingMerge(t *testing.T) {
	rules := shape.Tagging{FoldCase: true, Err: faultOf}
	var set shape.TagSet
	require.NoError(t, rules.Merge(&set, []shape.Tag{{"b", "1"}, {"A", "2"}}))
	require.NoError(t, rules.Merge(&set, []shape.Tag{{"a", "3"}}), "an equal key overwrites")
	assert.Equal(t, []shape.Tag{{"a", "3"}, {"b", "1"}}, set.List(), "the spelling last written is kept")
	assert.Equal(t, map[string]string{"a": "3", "b": "1"}, set.Map())

	t.Run("a merge past the limit changes nothing", func(t *testing.T) {
		err := rules.Merge(&set, manyTags(49))
		assert.EqualError(t, err, fmt.Sprintf("fault %d at -1", shape.TooManyTags))
		assert.Equal(t, 2, set.Len())
	})
	t.Run("a merge with a broken tag changes nothing", func(t *testing.T) {
		assert.Error(t, rules.Merge(&set, []shape.Tag{{"c", "1"}, {"", "x"}}))
		assert.Equal(t, 2, set.Len())
	})
	t.Run("remove folds case and ignores unknown keys", func(t *testing.T) {
		rules.Remove(&set, []string{"B", "missing"})
		assert.Equal(t, []shape.Tag{{"a", "3"}}, set.List())
	})
	t.Run("a service's own error comes back as it built it", func(t *testing.T) {
		own := errors.New("TooManyTagsException")
		r := shape.Tagging{Err: func(shape.TagError) error { return own }}
		var empty shape.TagSet
		assert.ErrorIs(t, r.Merge(&empty, manyTags(51)), own)
	})
}

func TestTagsOfSortsByKey(t *testing.T) {
	assert.Equal(t, []shape.Tag{{"a", "1"}, {"b", "2"}}, shape.TagsOf(map[string]string{"b": "2", "a": "1"}))
}
