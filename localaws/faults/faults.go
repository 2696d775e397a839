// Package faults is localaws's fault injection: per-function configs of injected errors,
// throttles, latency, timeouts and environment kills, the seeded decisions the Lambda
// data plane (execenv) takes for each invocation, and what was injected; and the same
// per DynamoDB table for its item operations (errors, throttles and latency only).
//
// # Admin endpoint
//
//	PUT    /_localaws/faults/{function}  body: a Config; 200 and the stored Entry
//	GET    /_localaws/faults             200 {"functions":[Entry...]}, sorted by name
//	GET    /_localaws/faults/{function}  200 Entry, 404 if none
//	DELETE /_localaws/faults/{function}  204; removes the config and its stats
//
// and for tables the same under /_localaws/faults/dynamodb/{table}, listed as
// {"tables":[Entry...]} by GET /_localaws/faults/dynamodb.
//
// A Config's fields are all optional:
//
//	{"error_rate": 0.1, "throttle_rate": 0.0, "latency_ms": 0, "timeout_rate": 0.0,
//	 "kill": {"count": 1, "after_ms": 5}, "seed": 42}
//
// A rate outside [0, 1], a negative number, an unknown field or bad JSON is a 400
// {"__type":"InvalidParameterValueException","message":"..."} that names the field.
// Functions need not exist yet. A PUT replaces the function's config and starts afresh:
// new stats, the full kill count, and a PRNG seeded anew. Without a seed one is drawn at
// random and reported in the stored config, so a run can be repeated.
//
// The LOCALAWS_FAULTS environment variable holds the same configs at startup, as a JSON
// object keyed by function name or "dynamodb:<table>" (see FromEnv). The localaws
// command reads it and hands the Sets to the Lambda and DynamoDB services
// (lambda.Options.Faults, dynamodb.Options.Faults); the server itself reads no
// environment variable.
//
// # Semantics
//
// Each invocation of a function with a config (sync Invoke, ESM poller, async queue;
// every tenant) draws, in this order, whether it is throttled, fails, or times out; the
// first that hits wins:
//   - throttle_rate: 429 TooManyRequestsException (Reason ConcurrentInvocationLimitExceeded)
//     before any environment is used. An Event invoke is still accepted; the async
//     queue's invoke is throttled and retried, as in Lambda.
//   - error_rate: an unhandled function error, {"errorType":"localaws.InjectedFault",...},
//     without the handler running; the environment is held (latency) and stays warm.
//   - timeout_rate: the environment holds the event until the function's timeout, which
//     ends the invocation with "Task timed out after N seconds" and discards it.
//   - latency_ms: the environment holds the event this long before the runtime gets it,
//     counted in the duration and towards the timeout.
//   - kill: the next count invocations that reach an environment (not an injected error
//     or timeout) have its process group SIGKILLed after_ms after delivery, if still
//     running (latency included); they end with Runtime.ExitError and the environment is
//     replaced. An invocation that finished first does not use up the count.
package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// EnvVar holds the configs applied at startup.
const EnvVar = "LOCALAWS_FAULTS"

// maxMS bounds latency_ms and kill.after_ms: Lambda's longest timeout is 900 s, so a
// longer wait is always a timeout.
const maxMS = 900_000

// Config is the fault injection of one function.
type Config struct {
	ErrorRate    float64 `json:"error_rate"`
	ThrottleRate float64 `json:"throttle_rate"`
	LatencyMS    int64   `json:"latency_ms"`
	TimeoutRate  float64 `json:"timeout_rate"`
	Kill         *Kill   `json:"kill,omitempty"`
	// Seed seeds the rate decisions; nil draws one at random (the stored config shows it).
	Seed *int64 `json:"seed,omitempty"`
}

// Kill kills the environment of the next Count invocations AfterMS after delivery.
type Kill struct {
	Count   int   `json:"count"`
	AfterMS int64 `json:"after_ms"`
}

// Stats counts what was injected since the config was set.
type Stats struct {
	Invocations int64 `json:"invocations"` // every invocation seen
	Errors      int64 `json:"errors"`
	Throttles   int64 `json:"throttles"`
	Timeouts    int64 `json:"timeouts"`
	Kills       int64 `json:"kills"`
	Delayed     int64 `json:"delayed"`
}

// Entry is one function's or table's config and stats: a row of GET /_localaws/faults
// or GET /_localaws/faults/dynamodb.
type Entry struct {
	Function string `json:"function,omitempty"`
	Table    string `json:"table,omitempty"`
	Config   Config `json:"config"`
	Stats    Stats  `json:"stats"`
}

// Validate names the first field that is out of range.
func (c Config) Validate() error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"error_rate", c.ErrorRate}, {"throttle_rate", c.ThrottleRate}, {"timeout_rate", c.TimeoutRate}} {
		if !(r.v >= 0 && r.v <= 1) { // also refuses NaN
			return fmt.Errorf("%s must be between 0 and 1, got %v", r.name, r.v)
		}
	}
	if err := checkMS("latency_ms", c.LatencyMS); err != nil {
		return err
	}
	if c.Kill != nil {
		if c.Kill.Count < 0 {
			return fmt.Errorf("kill.count must not be negative, got %d", c.Kill.Count)
		}
		if err := checkMS("kill.after_ms", c.Kill.AfterMS); err != nil {
			return err
		}
	}
	if c.Seed != nil && *c.Seed < 0 {
		return fmt.Errorf("seed must not be negative, got %d", *c.Seed)
	}
	return nil
}

func checkMS(name string, v int64) error {
	if v < 0 || v > maxMS {
		return fmt.Errorf("%s must be between 0 and %d, got %d", name, maxMS, v)
	}
	return nil
}

// Decode reads one Config strictly: unknown fields, trailing data and invalid values
// are errors. An empty body is the empty config, which only counts invocations.
func Decode(data []byte) (Config, error) {
	var c Config
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	if err := strictUnmarshal(data, &c); err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

// Parse reads the LOCALAWS_FAULTS format: a JSON object of function name, or
// "dynamodb:<table>", to Config.
func Parse(data string) (map[string]Config, error) {
	var raw map[string]json.RawMessage
	if err := strictUnmarshal([]byte(data), &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", EnvVar, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("%s: want a JSON object of function name to fault config", EnvVar)
	}
	out := make(map[string]Config, len(raw))
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		c, err := Decode(raw[name])
		if err != nil {
			t, n := targetOf(name)
			return nil, fmt.Errorf("%s: %s %s: %w", EnvVar, t.noun, n, err)
		}
		out[name] = c
	}
	if err := Check(out); err != nil {
		return nil, fmt.Errorf("%s: %w", EnvVar, err)
	}
	return out, nil
}

// Check validates every name and config of m, in name order so that the error is stable.
// Keys that start with "dynamodb:" name tables; the others, functions.
func Check(m map[string]Config) error {
	for _, key := range slices.Sorted(maps.Keys(m)) {
		t, name := targetOf(key)
		if err := t.check(name); err != nil {
			return err
		}
		if err := t.validate(m[key]); err != nil {
			return fmt.Errorf("%s %s: %w", t.noun, name, err)
		}
	}
	return nil
}

// Target is what a Set's configs apply to: Lambda functions or DynamoDB tables.
type Target struct {
	noun, plural string
	// route is the admin endpoint's path.
	route string
	check func(name string) error
	// invocations marks function invocations, which can also time out and be killed.
	invocations bool
	// envPrefix marks the target's keys in LOCALAWS_FAULTS.
	envPrefix string
}

// The targets of fault injection. A table's faults apply to its item operations: an
// error is a 500 InternalServerError, a throttle a ProvisionedThroughputExceededException
// (ThrottlingException on demand); timeout_rate and kill do not apply.
var (
	Functions = Target{noun: "function", plural: "functions", route: routePrefix, check: CheckName,
		invocations: true}
	Tables = Target{noun: "table", plural: "tables", route: routePrefix + "/dynamodb", check: checkTableName,
		envPrefix: "dynamodb:"}
)

// targetOf reads a LOCALAWS_FAULTS key: "dynamodb:<table>" or a function name.
func targetOf(key string) (Target, string) {
	if name, ok := strings.CutPrefix(key, Tables.envPrefix); ok {
		return Tables, name
	}
	return Functions, key
}

// validate is Config.Validate plus the target's own rules.
func (t Target) validate(c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if !t.invocations && (c.TimeoutRate != 0 || c.Kill != nil) {
		return fmt.Errorf("timeout_rate and kill apply to functions only")
	}
	return nil
}

// tablePattern is DynamoDB's rule for a table name.
var tablePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)

func checkTableName(name string) error {
	if !tablePattern.MatchString(name) {
		return fmt.Errorf("table name %q must be 3-255 letters, digits, underscores, hyphens or dots", name)
	}
	return nil
}

// FromEnv parses LOCALAWS_FAULTS as getenv (os.Getenv) reads it; unset or blank is no
// faults (nil).
func FromEnv(getenv func(string) string) (map[string]Config, error) {
	v := getenv(EnvVar)
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	return Parse(v)
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return errors.New("invalid JSON: data after the object")
	}
	return nil
}

// namePattern is Lambda's rule for a function name.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// CheckName accepts a function name (not an ARN): faults are keyed by name.
func CheckName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("function name %q must be 1-64 letters, digits, hyphens or underscores "+
			"(a name, not an ARN)", name)
	}
	return nil
}

// Plan is what to inject into one invocation. The zero Plan injects nothing.
type Plan struct {
	Throttle bool
	Error    bool
	Timeout  bool
	Latency  time.Duration
	// Kill is set when kills were left when the invocation was planned; the kill itself
	// happens only if TakeKill still grants one when KillAfter has passed.
	Kill      bool
	KillAfter time.Duration
	// Message is the errorMessage of an injected error.
	Message string

	set   *Set
	state *state
}

// TakeKill uses up one kill if the invocation's config is still in place and has kills
// left; the caller then kills the environment.
func (p Plan) TakeKill() bool {
	if p.set == nil {
		return false
	}
	p.set.mu.Lock()
	defer p.set.mu.Unlock()
	st := p.state
	if p.set.m[st.function] != st || st.killsLeft <= 0 {
		return false
	}
	st.killsLeft--
	st.stats.Kills++
	return true
}

// state is one function's config with its PRNG and counters.
type state struct {
	function  string // or table
	target    Target
	cfg       Config
	rng       *rand.Rand
	stats     Stats
	killsLeft int
}

// Set holds the configs of all functions, or of all tables. The zero Set is not usable;
// use NewSet or NewSetFor.
type Set struct {
	target Target
	mu     sync.Mutex
	m      map[string]*state
}

// NewSet returns an empty set of function configs.
func NewSet() *Set { return NewSetFor(Functions) }

// NewSetFor returns an empty set of configs for target.
func NewSetFor(target Target) *Set { return &Set{target: target, m: map[string]*state{}} }

// Put validates c and replaces the function's config, resetting its stats.
func (s *Set) Put(function string, c Config) (Entry, error) {
	if err := s.target.check(function); err != nil {
		return Entry{}, err
	}
	if err := s.target.validate(c); err != nil {
		return Entry{}, err
	}
	if c.Seed == nil {
		seed := rand.Int64()
		c.Seed = &seed
	}
	if c.Kill != nil {
		k := *c.Kill
		c.Kill = &k // the caller's value stays the caller's
	}
	seed := uint64(*c.Seed)
	st := &state{function: function, target: s.target, cfg: c, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	if c.Kill != nil {
		st.killsLeft = c.Kill.Count
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[function] = st
	return st.entry(), nil
}

// Load puts every config of m, as read from LOCALAWS_FAULTS; nothing is put unless all are valid.
// Keys of the other target are left to its set.
func (s *Set) Load(m map[string]Config) error {
	if err := Check(m); err != nil {
		return err
	}
	for key, c := range m {
		t, name := targetOf(key)
		if t.noun != s.target.noun {
			continue
		}
		if _, err := s.Put(name, c); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the function's entry.
func (s *Set) Get(function string) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[function]
	if !ok {
		return Entry{}, false
	}
	return st.entry(), true
}

// List returns every entry, sorted by function name.
func (s *Set) List() []Entry {
	s.mu.Lock()
	rows := make([]Entry, 0, len(s.m))
	for _, st := range s.m {
		rows = append(rows, st.entry())
	}
	s.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i].Function+rows[i].Table < rows[j].Function+rows[j].Table })
	return rows
}

// Delete removes the function's config and stats.
func (s *Set) Delete(function string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, function)
}

func (st *state) entry() Entry {
	c := st.cfg
	if c.Kill != nil {
		k := *c.Kill
		c.Kill = &k
	}
	seed := *c.Seed
	c.Seed = &seed
	if !st.target.invocations {
		return Entry{Table: st.function, Config: c, Stats: st.stats}
	}
	return Entry{Function: st.function, Config: c, Stats: st.stats}
}

// Decide plans one invocation of function and counts it. The draws happen in a fixed
// order under the lock, so the n-th invocation after a PUT gets the same plan for the
// same seed however invocations interleave.
func (s *Set) Decide(function string) Plan {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[function]
	if !ok {
		return Plan{}
	}
	c := st.cfg
	st.stats.Invocations++
	throttle := st.rng.Float64() < c.ThrottleRate
	fail := st.rng.Float64() < c.ErrorRate
	timeout := st.rng.Float64() < c.TimeoutRate
	p := Plan{set: s, state: st}
	switch {
	case throttle:
		p.Throttle = true
		st.stats.Throttles++
		return p
	case fail:
		p.Error = true
		p.Message = fmt.Sprintf("injected fault: error_rate %v of %s %s", c.ErrorRate, s.target.noun, function)
		st.stats.Errors++
	case timeout:
		p.Timeout = true
		st.stats.Timeouts++
		return p // held until the timeout: latency and kills do not apply
	}
	if c.LatencyMS > 0 {
		p.Latency = time.Duration(c.LatencyMS) * time.Millisecond
		st.stats.Delayed++
	}
	if !p.Error && st.killsLeft > 0 {
		p.Kill = true
		p.KillAfter = time.Duration(c.Kill.AfterMS) * time.Millisecond
	}
	return p
}
