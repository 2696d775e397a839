package execenv

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDispatchToAnotherTenantPanics(t *testing.T) {
	e := &environment{id: "env1", key: poolKey{function: "fn", tenant: "blue"}}
	assert.PanicsWithValue(t, `execenv: tenant isolation violated: environment env1 of function fn belongs to `+
		`tenant "blue" but was given request r1 of tenant "green"`, func() {
		mustServe(e, &invocation{id: "r1", tenant: "green"})
	})
	assert.NotPanics(t, func() { mustServe(e, &invocation{id: "r2", tenant: "blue"}) })
}
