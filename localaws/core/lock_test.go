package core_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

func TestLocked(t *testing.T) {
	var mu sync.Mutex
	missing := errors.New("no such resource")
	tests := []struct {
		name    string
		findErr error
		want    int
		wantErr error
		ran     bool
	}{
		{"a resource found is handed to fn under the lock", nil, 2, nil, true},
		{"a failed lookup returns its error and never runs fn", missing, 0, missing, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ran := false
			got, err := core.Locked(&mu, func() (int, error) { return 1, tc.findErr }, func(n int) (int, error) {
				ran = true
				assert.False(t, mu.TryLock(), "fn runs with the lock held")
				return n + 1, nil
			})
			assert.Equal(t, tc.want, got)
			assert.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, tc.ran, ran)
			assert.True(t, mu.TryLock(), "the lock is released")
			mu.Unlock()
		})
	}
}
