package authz_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/authz"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
)

func TestPrincipalTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		role, session []identity.Tag
		want          map[string]string
	}{
		{"role tags alone", []identity.Tag{{Key: "team", Value: "a"}}, nil, map[string]string{"team": "a"}},
		{"a session tag overrides the role tag of any case", []identity.Tag{{Key: "Team", Value: "a"}},
			[]identity.Tag{{Key: "team", Value: "b"}}, map[string]string{"team": "b"}},
		{"both kept when keys differ", []identity.Tag{{Key: "team", Value: "a"}},
			[]identity.Tag{{Key: "tenant", Value: "acme"}}, map[string]string{"team": "a", "tenant": "acme"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, authz.PrincipalTags(tt.role, tt.session))
		})
	}
}
