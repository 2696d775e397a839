// Package config reads the router's configuration from its environment variables (docs/contracts.md) into a typed,
// validated Config. Every error names the variable and says how to fix it, so a wrong deployment fails at init, once,
// rather than on every message.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

// The environment variables the router reads.
const (
	EnvBackendFunction    = "ROUTER_BACKEND_FUNCTION"
	EnvQuarantineQueueURL = "ROUTER_QUARANTINE_QUEUE_URL"
	EnvSources            = "ROUTER_SOURCES"
	EnvTenantPattern      = "ROUTER_TENANT_PATTERN"
	EnvKnownTenants       = "ROUTER_KNOWN_TENANTS"
	EnvInvocationMode     = "ROUTER_INVOCATION_MODE"
	EnvMaxParallel        = "ROUTER_MAX_PARALLEL"
	EnvTenantIDCase       = "ROUTER_TENANT_ID_CASE"
	EnvRegistryTable      = "ROUTER_REGISTRY_TABLE"
	EnvHeldQueueURL       = "ROUTER_HELD_QUEUE_URL"
	EnvRegistryCacheTTL   = "ROUTER_REGISTRY_CACHE_TTL_SECONDS"
	EnvRegistryStale      = "ROUTER_REGISTRY_STALE_SECONDS"
)

// Mode is how the router invokes the backend.
type Mode string

// The invocation modes.
const (
	ModeAsync Mode = "async" // InvocationType Event: success is HTTP 202, failures go to the backend's destination
	ModeSync  Mode = "sync"  // InvocationType RequestResponse: a FunctionError fails the record back to its queue
)

// Kind is the kind of a source.
type Kind string

// The source kinds.
const (
	KindSQS         Kind = "sqs"         // an SQS queue; the record body is the producer's message
	KindEventBridge Kind = "eventbridge" // EventBridge; the body (or the direct event) is the EventBridge event
)

// Defaults and bounds.
const (
	DefaultMaxParallel = 10
	MaxMaxParallel     = 100
	// The registry cache: how long a status is trusted, and how long past that it is served while the registry
	// fails (docs/architecture.md, "Tenant registry").
	DefaultRegistryCacheTTL = 60 * time.Second
	MaxRegistryCacheTTL     = time.Hour
	DefaultRegistryStale    = 5 * time.Minute
	MaxRegistryStale        = 24 * time.Hour
)

// Registry is the tenant registry's part of the configuration. Table is empty when no registry is configured.
type Registry struct {
	Table        string        // DynamoDB table name
	HeldQueueURL string        // where messages of suspended tenants go
	CacheTTL     time.Duration // how long a status is trusted
	StaleFor     time.Duration // how long past CacheTTL a status is served while the registry fails; 0 never
}

// Source is one entry of ROUTER_SOURCES.
type Source struct {
	Name     string        `json:"name"`
	Kind     Kind          `json:"kind"`
	QueueARN string        `json:"queue_arn"`
	Rules    []tenant.Rule `json:"rules"`
}

// Config is the router's validated configuration.
type Config struct {
	BackendFunction    string
	QuarantineQueueURL string
	Sources            []Source
	TenantPattern      *regexp.Regexp
	KnownTenants       []string
	TenantIDCase       tenant.Case
	Mode               Mode
	MaxParallel        int
	Registry           Registry
}

// Checker returns the tenant checker the configuration describes.
func (c Config) Checker() (*tenant.Checker, error) {
	return tenant.NewChecker(c.TenantPattern, c.KnownTenants, c.TenantIDCase)
}

// functionName is Lambda's pattern for FunctionName: a name, a partial ARN or a full ARN, optionally qualified.
var functionName = regexp.MustCompile(`^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?` +
	`(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$`)

// sqsARN is the shape of an SQS queue ARN.
var sqsARN = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,80}(\.fifo)?$`)

// sourceName keeps source names safe to use as SQS attribute values and log fields.
var sourceName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,64}$`)

// FromEnv reads and validates the configuration; getenv is usually os.Getenv. It reports every problem it finds, not
// only the first, joined with errors.Join.
func FromEnv(getenv func(string) string) (Config, error) {
	var (
		c    Config
		errs []error
	)
	bad := func(env, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", env, fmt.Sprintf(format, args...)))
	}

	c.BackendFunction = strings.TrimSpace(getenv(EnvBackendFunction))
	switch {
	case c.BackendFunction == "":
		bad(EnvBackendFunction, "not set; set it to the ARN of the PER_TENANT backend function")
	case len(c.BackendFunction) > 170 || !functionName.MatchString(c.BackendFunction):
		bad(EnvBackendFunction, "%q is not a Lambda function ARN or name; set it to the backend's ARN, "+
			"arn:aws:lambda:<region>:<account>:function:<name>", c.BackendFunction)
	}

	c.QuarantineQueueURL = strings.TrimSpace(getenv(EnvQuarantineQueueURL))
	if c.QuarantineQueueURL == "" {
		bad(EnvQuarantineQueueURL, "not set; set it to the URL of the quarantine queue")
	} else if !isQueueURL(c.QuarantineQueueURL) {
		bad(EnvQuarantineQueueURL, "%q is not an SQS queue URL; set it to the queue's URL, "+
			"https://sqs.<region>.amazonaws.com/<account>/<name>", c.QuarantineQueueURL)
	}

	sources, err := parseSources(getenv(EnvSources))
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", EnvSources, err))
	}
	c.Sources = sources

	if p := getenv(EnvTenantPattern); strings.TrimSpace(p) == "" {
		c.TenantPattern = regexp.MustCompile(tenant.DefaultPattern)
	} else if re, err := regexp.Compile(p); err != nil {
		bad(EnvTenantPattern, "%q is not an RE2 regular expression (%v); fix it or unset it for the default %s",
			p, err, tenant.DefaultPattern)
	} else {
		c.TenantPattern = re
	}

	if raw := strings.TrimSpace(getenv(EnvKnownTenants)); raw != "" && raw != "null" {
		if err := strictJSON(raw, &c.KnownTenants); err != nil {
			bad(EnvKnownTenants, "not a JSON array of strings (%v); write it like [\"acme\",\"globex\"], "+
				"or leave it empty to allow every valid tenant", err)
		}
	}

	switch v := tenant.Case(strings.TrimSpace(getenv(EnvTenantIDCase))); v {
	case "":
		c.TenantIDCase = tenant.DefaultCase
	case tenant.CaseLower, tenant.CasePreserve:
		c.TenantIDCase = v
	default:
		bad(EnvTenantIDCase, "%q unknown; use lower (tenant IDs without capitals, the default) or preserve "+
			"(any case, \"ACME\" and \"acme\" are two tenants)", v)
	}

	switch m := strings.TrimSpace(getenv(EnvInvocationMode)); m {
	case "", string(ModeAsync):
		c.Mode = ModeAsync
	case string(ModeSync):
		c.Mode = ModeSync
	default:
		bad(EnvInvocationMode, "%q unknown; use async (Event) or sync (RequestResponse)", m)
	}

	if raw := strings.TrimSpace(getenv(EnvMaxParallel)); raw == "" {
		c.MaxParallel = DefaultMaxParallel
	} else if n, err := strconv.Atoi(raw); err != nil || n < 1 || n > MaxMaxParallel {
		bad(EnvMaxParallel, "%q is not a whole number from 1 to %d; set it there or unset it for %d",
			raw, MaxMaxParallel, DefaultMaxParallel)
	} else {
		c.MaxParallel = n
	}

	c.Registry = parseRegistry(getenv, bad)

	// The known tenants must themselves be routable, or the list would silently allow nothing for them.
	if c.TenantPattern != nil && len(errs) == 0 {
		if _, err := c.Checker(); err != nil {
			bad(EnvKnownTenants, "%v; remove it or fix %s or %s", err, EnvTenantPattern, EnvTenantIDCase)
		}
	}

	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// tableName is DynamoDB's rule for table names.
var tableName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)

func parseRegistry(getenv func(string) string, bad func(env, format string, args ...any)) Registry {
	reg := Registry{
		Table:        strings.TrimSpace(getenv(EnvRegistryTable)),
		HeldQueueURL: strings.TrimSpace(getenv(EnvHeldQueueURL)),
	}
	seconds := func(env string, def, limit time.Duration, zeroOK bool) time.Duration {
		raw := strings.TrimSpace(getenv(env))
		if raw == "" {
			return def
		}
		lowest := 1
		if zeroOK {
			lowest = 0
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < lowest || time.Duration(n)*time.Second > limit {
			bad(env, "%q is not a whole number of seconds from %d to %d; set it there or unset it for %d",
				raw, lowest, int(limit.Seconds()), int(def.Seconds()))
			return def
		}
		return time.Duration(n) * time.Second
	}
	reg.CacheTTL = seconds(EnvRegistryCacheTTL, DefaultRegistryCacheTTL, MaxRegistryCacheTTL, false)
	reg.StaleFor = seconds(EnvRegistryStale, DefaultRegistryStale, MaxRegistryStale, true)
	switch {
	case reg.Table == "" && reg.HeldQueueURL != "":
		bad(EnvHeldQueueURL, "set without %s; set both (a registry) or neither", EnvRegistryTable)
	case reg.Table == "":
	case !tableName.MatchString(reg.Table):
		bad(EnvRegistryTable, "%q is not a DynamoDB table name (3-255 letters, digits, '_', '-', '.'); set it "+
			"to the name of the tenant registry table", reg.Table)
	case reg.HeldQueueURL == "":
		bad(EnvHeldQueueURL, "not set; with %s set, messages of suspended tenants need the held queue's URL",
			EnvRegistryTable)
	case !isQueueURL(reg.HeldQueueURL):
		bad(EnvHeldQueueURL, "%q is not an SQS queue URL; set it to the held queue's URL, "+
			"https://sqs.<region>.amazonaws.com/<account>/<name>", reg.HeldQueueURL)
	}
	return reg
}

// isQueueURL reports whether s looks like an SQS queue URL.
func isQueueURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && strings.Trim(u.Path, "/") != ""
}

func parseSources(raw string) ([]Source, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New(`not set; set it to a JSON array of sources, for example ` +
			`[{"name":"orders","kind":"sqs","queue_arn":"arn:aws:sqs:...","rules":[{"type":"message_attribute","name":"tenantId"}]}]`)
	}
	var sources []Source
	if err := strictJSON(raw, &sources); err != nil {
		return nil, fmt.Errorf("not a JSON array of sources (%v); see docs/contracts.md for the format", err)
	}
	if len(sources) == 0 {
		return nil, errors.New("empty; add at least one source")
	}
	var (
		errs   []error
		names  = map[string]bool{}
		queues = map[string]string{}
		direct = 0
	)
	for i, s := range sources {
		label := fmt.Sprintf("source %d", i)
		if s.Name != "" {
			label = fmt.Sprintf("source %q", s.Name)
		}
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", label, fmt.Sprintf(format, args...)))
		}
		switch {
		case s.Name == "":
			bad(`no "name"; give every source a unique name`)
		case !sourceName.MatchString(s.Name):
			bad("name must be 1-64 letters, digits, '.', '_' or '-'")
		case names[s.Name]:
			bad("name used twice; give every source a unique name")
		}
		names[s.Name] = true

		switch s.Kind {
		case KindSQS:
			if s.QueueARN == "" {
				bad(`no "queue_arn"; an sqs source needs the ARN of the queue its event source mapping reads`)
			}
		case KindEventBridge:
			if s.QueueARN == "" {
				direct++
			}
		case "":
			bad(`no "kind"; use sqs or eventbridge`)
		default:
			bad("kind %q unknown; use sqs or eventbridge", s.Kind)
		}
		if s.QueueARN != "" {
			if !sqsARN.MatchString(s.QueueARN) {
				bad("queue_arn %q is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)", s.QueueARN)
			} else if other, dup := queues[s.QueueARN]; dup {
				bad("queue_arn is also used by source %q; a queue feeds exactly one source", other)
			}
			queues[s.QueueARN] = s.Name
		}

		if len(s.Rules) == 0 {
			bad(`no "rules"; add at least one, for example {"type":"message_attribute","name":"tenantId"}`)
		}
		for _, r := range s.Rules {
			if err := r.Validate(); err != nil {
				bad("%v", err)
				continue
			}
			switch {
			case s.Kind == KindSQS && r.Type == tenant.RuleEventPointer:
				bad("rule event_pointer is for eventbridge sources; use body_pointer to read an SQS body")
			case s.Kind == KindEventBridge && r.Type != tenant.RuleEventPointer:
				bad("rule %s does not apply to an eventbridge source; use event_pointer, for example "+
					`{"type":"event_pointer","pointer":"/detail/tenantId"}`, r.Type)
			}
		}
	}
	if direct > 1 {
		errs = append(errs, errors.New(`more than one eventbridge source has an empty queue_arn; direct events `+
			`cannot be told apart, so give all but one a buffer queue`))
	}
	return sources, errors.Join(errs...)
}

// strictJSON decodes one JSON value and refuses unknown fields and trailing data, so that a typo such as "queueArn"
// is an error rather than a silently empty field.
func strictJSON(raw string, v any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
