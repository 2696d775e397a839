package router

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

// The README's limits quote these numbers; this test measures them.
const (
	envelopeFixed       = 54      // bytes of an envelope whose four fields are empty
	asyncBodyAlwaysFits = 523_973 // body bytes that fit an async invocation whatever they and the IDs hold
)

func TestEnvelopeOverhead(t *testing.T) {
	r := newHarness(t, testConfig(config.ModeAsync)).r
	size := func(tenantID, src, id, body string) int {
		p, err := r.envelope(tenantID, item{src: &source{name: src}, messageID: id, body: body})
		require.NoError(t, err)
		return len(p)
	}
	assert.Equal(t, envelopeFixed, size("", "", "", ""))

	// Tenant acme from source orders, with a 36-character SQS MessageId: 100 bytes of overhead.
	id := "059f36b4-87a3-44ab-83d2-661975830a7d"
	assert.Equal(t, envelopeFixed+len("acme")+len("orders")+len(id), size("acme", "orders", id, ""))
	assert.Equal(t, MaxAsyncPayload, size("acme", "orders", id, strings.Repeat("x", MaxAsyncPayload-100)))
	assert.Greater(t, size("acme", "orders", id, strings.Repeat("x", 1_048_556)), MaxAsyncPayload,
		"a body of 1,048,556 bytes is too_large in async mode")

	// No character a routed body may hold grows more than twice when escaped: SQS refuses the control characters
	// that JSON writes as \u00XX, and HTML characters are not escaped.
	for _, c := range []string{`"`, `\`, "\t", "\n", "\r", "\u2028", "\u2029", "<", ">", "&", "é", "\U0001F600"} {
		assert.LessOrEqual(t, size("", "", "", c)-envelopeFixed, 2*len(c), "%q", c)
	}

	// The worst case: the longest tenant AWS allows, the longest source name, the longest event id made of
	// characters that escape, and a body of nothing else.
	worst := func(n int) int {
		return size(strings.Repeat("a", tenant.MaxIDLength), strings.Repeat("s", 64),
			strings.Repeat(`"`, MaxEventIDLength), strings.Repeat(`"`, n))
	}
	assert.LessOrEqual(t, worst(asyncBodyAlwaysFits), MaxAsyncPayload)
	assert.Greater(t, worst(asyncBodyAlwaysFits+1), MaxAsyncPayload)
}
