package shape_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

var pager = shape.Pager{SizeMember: "limit", DefaultSize: 3, MaxSize: 5, Invalid: protocol.Validation,
	BadToken: func(token string) error { return protocol.Validation("bad token %s", token) }}

func TestPageWalksAListOnce(t *testing.T) {
	items := []int{0, 1, 2, 3, 4, 5, 6}
	var got []int
	token, pages := "", 0
	for {
		page, next, err := shape.Page(pager, items, token, 3)
		require.NoError(t, err)
		got, pages = append(got, page...), pages+1
		if next == "" {
			break
		}
		token = next
	}
	assert.Equal(t, items, got)
	assert.Equal(t, 3, pages)
}

func TestPage(t *testing.T) {
	items := []string{"a", "b", "c"}
	_, second, err := shape.Page(pager, items, "", 2)
	require.NoError(t, err)
	tests := []struct {
		name     string
		items    []string
		token    string
		size     int
		want     []string
		wantNext bool
		wantErr  string
	}{
		{"a list that fits has no next token", items, "", 3, items, false, ""},
		{"a longer list has a next token", items, "", 2, []string{"a", "b"}, true, ""},
		{"the next token starts the second page", items, second, 2, []string{"c"}, false, ""},
		{"an empty list is one empty page", nil, "", 2, nil, false, ""},
		{"a token that is not ours is refused in the service's words", items, "garbage", 2, nil, false,
			"bad token garbage"},
		{"a token past the end is refused", items, "OQ", 2, nil, false, "bad token OQ"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, next, err := shape.Page(pager, tc.items, tc.token, tc.size)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, page)
			assert.Equal(t, tc.wantNext, next != "", "next token %q", next)
		})
	}
}

func TestPagerSize(t *testing.T) {
	n := func(v int32) *int32 { return &v }
	tests := []struct {
		name    string
		size    *int32
		raw     string
		want    int
		wantErr string
	}{
		{"no size takes the default", nil, "", 3, ""},
		{"a size within the bounds is kept", n(5), "5", 5, ""},
		{"zero is below the minimum", n(0), "0", 0, "Value '0' at 'limit' failed to satisfy constraint: " +
			"Member must have value greater than or equal to 1"},
		{"over the maximum is refused", n(6), "6", 0, "Member must have value less than or equal to 5"},
	}
	for _, tc := range tests {
		for form, size := range map[string]func() (int, error){
			"number": func() (int, error) { return pager.Size(tc.size) },
			"text":   func() (int, error) { return pager.ParseSize(tc.raw) },
		} {
			t.Run(fmt.Sprintf("%s as %s", tc.name, form), func(t *testing.T) {
				got, err := size()
				if tc.wantErr != "" {
					require.Error(t, err)
					assert.Contains(t, err.Error(), tc.wantErr)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			})
		}
	}
	_, err := pager.ParseSize("ten")
	assert.ErrorContains(t, err, "Value 'ten' at 'limit' failed to satisfy constraint: Member must be a number")
}
