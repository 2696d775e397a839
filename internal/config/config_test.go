package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

const (
	backendARN = "arn:aws:lambda:us-east-1:000000000000:function:backend"
	queueURL   = "http://127.0.0.1:4566/000000000000/router-quarantine"
	sourcesOK  = `[
	  {"name":"orders","kind":"sqs","queue_arn":"arn:aws:sqs:us-east-1:123456789012:orders",
	   "rules":[{"type":"message_attribute","name":"tenantId"},{"type":"body_pointer","pointer":"/tenantId"}]},
	  {"name":"events","kind":"eventbridge","queue_arn":"",
	   "rules":[{"type":"event_pointer","pointer":"/detail/tenantId"}]}
	]`
)

func env(overrides map[string]string) func(string) string {
	base := map[string]string{
		EnvBackendFunction:    backendARN,
		EnvQuarantineQueueURL: queueURL,
		EnvSources:            sourcesOK,
	}
	for k, v := range overrides {
		base[k] = v
	}
	return func(k string) string { return base[k] }
}

func TestFromEnvDefaults(t *testing.T) {
	c, err := FromEnv(env(nil))
	require.NoError(t, err)
	assert.Equal(t, backendARN, c.BackendFunction)
	assert.Equal(t, queueURL, c.QuarantineQueueURL)
	assert.Equal(t, ModeAsync, c.Mode)
	assert.Equal(t, DefaultMaxParallel, c.MaxParallel)
	assert.Equal(t, tenant.DefaultPattern, c.TenantPattern.String())
	assert.Empty(t, c.KnownTenants)
	assert.Equal(t, tenant.CaseLower, c.TenantIDCase)
	require.Len(t, c.Sources, 2)
	assert.Equal(t, Source{Name: "orders", Kind: KindSQS, QueueARN: "arn:aws:sqs:us-east-1:123456789012:orders",
		Rules: []tenant.Rule{{Type: tenant.RuleMessageAttribute, Name: "tenantId"},
			{Type: tenant.RuleBodyPointer, Pointer: "/tenantId"}}}, c.Sources[0])
	assert.Equal(t, KindEventBridge, c.Sources[1].Kind)
}

func TestFromEnvOptionalValues(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		EnvTenantPattern:  `^t-[0-9]+$`,
		EnvKnownTenants:   `["t-1","t-2"]`,
		EnvInvocationMode: "sync",
		EnvMaxParallel:    "25",
		EnvTenantIDCase:   "preserve",
		EnvSources: `[{"name":"orders","kind":"sqs","queue_arn":"arn:aws:sqs:us-east-1:123456789012:orders",` +
			`"rules":[{"type":"message_attribute","name":"tenantId","required":true},` +
			`{"type":"body_pointer","pointer":"/tenantId"}]}]`,
	}))
	require.NoError(t, err)
	assert.Equal(t, tenant.CasePreserve, c.TenantIDCase)
	assert.Equal(t, []tenant.Rule{{Type: tenant.RuleMessageAttribute, Name: "tenantId", Required: true},
		{Type: tenant.RuleBodyPointer, Pointer: "/tenantId"}}, c.Sources[0].Rules)
	assert.Equal(t, ModeSync, c.Mode)
	assert.Equal(t, 25, c.MaxParallel)
	assert.Equal(t, []string{"t-1", "t-2"}, c.KnownTenants)
	assert.Equal(t, `^t-[0-9]+$`, c.TenantPattern.String())
	ch, err := c.Checker()
	require.NoError(t, err)
	assert.Nil(t, ch.Check("t-2"))
}

func TestFromEnvRegistry(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Registry
	}{
		{name: "no table is no registry", want: Registry{CacheTTL: DefaultRegistryCacheTTL, StaleFor: DefaultRegistryStale}},
		{name: "a table and a held queue take the default cache times",
			env: map[string]string{EnvRegistryTable: "orders-tenants", EnvHeldQueueURL: queueURL},
			want: Registry{Table: "orders-tenants", HeldQueueURL: queueURL, CacheTTL: 60 * time.Second,
				StaleFor: 5 * time.Minute}},
		{name: "cache times are read in seconds, and a stale window of zero is allowed",
			env: map[string]string{EnvRegistryTable: "orders-tenants", EnvHeldQueueURL: queueURL,
				EnvRegistryCacheTTL: "2", EnvRegistryStale: "0"},
			want: Registry{Table: "orders-tenants", HeldQueueURL: queueURL, CacheTTL: 2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(env(tt.env))
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Registry)
		})
	}
}

func TestFromEnvEmptyKnownTenantsAllowsAll(t *testing.T) {
	for _, v := range []string{"", "[]", "null", " "} {
		c, err := FromEnv(env(map[string]string{EnvKnownTenants: v}))
		require.NoError(t, err, "ROUTER_KNOWN_TENANTS=%q", v)
		assert.Empty(t, c.KnownTenants)
	}
}

func TestFromEnvErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // each must appear in the error
	}{
		{name: "missing backend names the variable and the fix",
			env:  map[string]string{EnvBackendFunction: ""},
			want: []string{"ROUTER_BACKEND_FUNCTION: not set; set it to the ARN of the PER_TENANT backend function"}},
		{name: "queue url given as backend is refused",
			env:  map[string]string{EnvBackendFunction: queueURL},
			want: []string{"ROUTER_BACKEND_FUNCTION:", "is not a Lambda function ARN"}},
		{name: "missing quarantine queue",
			env:  map[string]string{EnvQuarantineQueueURL: ""},
			want: []string{"ROUTER_QUARANTINE_QUEUE_URL: not set"}},
		{name: "queue arn given as quarantine url is refused",
			env:  map[string]string{EnvQuarantineQueueURL: "arn:aws:sqs:us-east-1:123456789012:q"},
			want: []string{"ROUTER_QUARANTINE_QUEUE_URL:", "is not an SQS queue URL"}},
		{name: "missing sources",
			env:  map[string]string{EnvSources: ""},
			want: []string{"ROUTER_SOURCES: not set; set it to a JSON array of sources"}},
		{name: "sources that are not json",
			env:  map[string]string{EnvSources: "orders"},
			want: []string{"ROUTER_SOURCES: not a JSON array of sources"}},
		{name: "empty source list",
			env:  map[string]string{EnvSources: "[]"},
			want: []string{"ROUTER_SOURCES: empty; add at least one source"}},
		{name: "misspelled field is refused rather than ignored",
			env:  map[string]string{EnvSources: `[{"name":"x","kind":"sqs","queueArn":"a","rules":[]}]`},
			want: []string{`unknown field "queueArn"`}},
		{name: "unknown rule type names every choice",
			env: map[string]string{EnvSources: `[{"name":"x","kind":"sqs",` +
				`"queue_arn":"arn:aws:sqs:us-east-1:123456789012:x","rules":[{"type":"foo"}]}]`},
			want: []string{`ROUTER_SOURCES: source "x": rule type "foo" unknown; use message_attribute, ` +
				`message_group_id, body_pointer or event_pointer`}},
		{name: "rule with a bad pointer",
			env: map[string]string{EnvSources: `[{"name":"x","kind":"sqs",` +
				`"queue_arn":"arn:aws:sqs:us-east-1:123456789012:x","rules":[{"type":"body_pointer","pointer":"/a~2"}]}]`},
			want: []string{`source "x": rule body_pointer: pointer "/a~2"`}},
		{name: "event pointer on an sqs source",
			env: map[string]string{EnvSources: `[{"name":"x","kind":"sqs",` +
				`"queue_arn":"arn:aws:sqs:us-east-1:123456789012:x","rules":[{"type":"event_pointer","pointer":"/a"}]}]`},
			want: []string{"rule event_pointer is for eventbridge sources; use body_pointer"}},
		{name: "attribute rule on an eventbridge source",
			env: map[string]string{EnvSources: `[{"name":"e","kind":"eventbridge",` +
				`"rules":[{"type":"message_attribute","name":"tenantId"}]}]`},
			want: []string{`source "e": rule message_attribute does not apply to an eventbridge source`}},
		{name: "sqs source without a queue",
			env:  map[string]string{EnvSources: `[{"name":"x","kind":"sqs","rules":[{"type":"message_group_id"}]}]`},
			want: []string{`source "x": no "queue_arn"`}},
		{name: "unknown kind",
			env:  map[string]string{EnvSources: `[{"name":"x","kind":"kinesis","rules":[{"type":"message_group_id"}]}]`},
			want: []string{`source "x": kind "kinesis" unknown; use sqs or eventbridge`}},
		{name: "source without rules",
			env: map[string]string{EnvSources: `[{"name":"x","kind":"sqs",` +
				`"queue_arn":"arn:aws:sqs:us-east-1:123456789012:x","rules":[]}]`},
			want: []string{`source "x": no "rules"`}},
		{name: "duplicate names and queues",
			env: map[string]string{EnvSources: `[
				{"name":"x","kind":"sqs","queue_arn":"arn:aws:sqs:us-east-1:123456789012:x","rules":[{"type":"message_group_id"}]},
				{"name":"x","kind":"sqs","queue_arn":"arn:aws:sqs:us-east-1:123456789012:x","rules":[{"type":"message_group_id"}]}]`},
			want: []string{"name used twice", `queue_arn is also used by source "x"`}},
		{name: "two direct eventbridge sources",
			env: map[string]string{EnvSources: `[
				{"name":"a","kind":"eventbridge","rules":[{"type":"event_pointer","pointer":"/detail/t"}]},
				{"name":"b","kind":"eventbridge","rules":[{"type":"event_pointer","pointer":"/detail/t"}]}]`},
			want: []string{"more than one eventbridge source has an empty queue_arn"}},
		{name: "source without a name",
			env:  map[string]string{EnvSources: `[{"kind":"eventbridge","rules":[{"type":"event_pointer","pointer":"/a"}]}]`},
			want: []string{`source 0: no "name"`}},
		{name: "bad pattern",
			env:  map[string]string{EnvTenantPattern: `^[a-z$`},
			want: []string{"ROUTER_TENANT_PATTERN:", "is not an RE2 regular expression"}},
		{name: "perl lookahead is not RE2",
			env:  map[string]string{EnvTenantPattern: `^(?!admin)[a-z]+$`},
			want: []string{"ROUTER_TENANT_PATTERN:"}},
		{name: "known tenants that are not a list",
			env:  map[string]string{EnvKnownTenants: `acme,globex`},
			want: []string{"ROUTER_KNOWN_TENANTS: not a JSON array of strings"}},
		{name: "known tenant the pattern refuses",
			env:  map[string]string{EnvKnownTenants: `["acme","acme corp"]`},
			want: []string{`ROUTER_KNOWN_TENANTS: known tenant "acme corp"`, "fix ROUTER_TENANT_PATTERN"}},
		{name: "unknown tenant id case",
			env:  map[string]string{EnvTenantIDCase: "upper"},
			want: []string{`ROUTER_TENANT_ID_CASE: "upper" unknown; use lower`}},
		{name: "known tenant with capitals under lower case",
			env:  map[string]string{EnvKnownTenants: `["Acme"]`},
			want: []string{`ROUTER_KNOWN_TENANTS: known tenant "Acme"`, "ROUTER_TENANT_ID_CASE"}},
		{name: "known tenants that differ only in case",
			env:  map[string]string{EnvKnownTenants: `["acme","ACME"]`, EnvTenantIDCase: "preserve"},
			want: []string{`known tenants "acme" and "ACME" differ only in case`}},
		{name: "unknown mode",
			env:  map[string]string{EnvInvocationMode: "Event"},
			want: []string{`ROUTER_INVOCATION_MODE: "Event" unknown; use async (Event) or sync (RequestResponse)`}},
		{name: "zero parallelism",
			env:  map[string]string{EnvMaxParallel: "0"},
			want: []string{`ROUTER_MAX_PARALLEL: "0" is not a whole number from 1 to 100`}},
		{name: "fractional parallelism",
			env:  map[string]string{EnvMaxParallel: "2.5"},
			want: []string{"ROUTER_MAX_PARALLEL:"}},
		{name: "held queue without a registry table",
			env:  map[string]string{EnvHeldQueueURL: queueURL},
			want: []string{"ROUTER_HELD_QUEUE_URL: set without ROUTER_REGISTRY_TABLE; set both"}},
		{name: "registry table without a held queue",
			env:  map[string]string{EnvRegistryTable: "orders-tenants"},
			want: []string{"ROUTER_HELD_QUEUE_URL: not set; with ROUTER_REGISTRY_TABLE set"}},
		{name: "registry table given as an arn is refused",
			env: map[string]string{EnvRegistryTable: "arn:aws:dynamodb:us-east-1:123456789012:table/t",
				EnvHeldQueueURL: queueURL},
			want: []string{"ROUTER_REGISTRY_TABLE:", "is not a DynamoDB table name"}},
		{name: "held queue given as an arn is refused",
			env: map[string]string{EnvRegistryTable: "orders-tenants",
				EnvHeldQueueURL: "arn:aws:sqs:us-east-1:123456789012:held"},
			want: []string{"ROUTER_HELD_QUEUE_URL:", "is not an SQS queue URL"}},
		{name: "a cache ttl of zero is refused",
			env:  map[string]string{EnvRegistryCacheTTL: "0"},
			want: []string{`ROUTER_REGISTRY_CACHE_TTL_SECONDS: "0" is not a whole number of seconds from 1 to 3600`}},
		{name: "a stale window over a day is refused",
			env:  map[string]string{EnvRegistryStale: "86401"},
			want: []string{`ROUTER_REGISTRY_STALE_SECONDS: "86401" is not a whole number of seconds from 0 to 86400`}},
		{name: "every problem is reported at once",
			env:  map[string]string{EnvBackendFunction: "", EnvQuarantineQueueURL: "", EnvMaxParallel: "x"},
			want: []string{"ROUTER_BACKEND_FUNCTION", "ROUTER_QUARANTINE_QUEUE_URL", "ROUTER_MAX_PARALLEL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromEnv(env(tt.env))
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
