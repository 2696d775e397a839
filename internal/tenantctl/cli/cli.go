// Package cli is tenantctl's commands: it parses the command line, finds the registry, calls internal/tenantctl/store
// and internal/tenantctl/replay, and writes a table for people or JSON for scripts.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/discover"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/replay"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/store"
)

// DynamoDB is what tenantctl calls on the registry table.
type DynamoDB interface {
	store.Client
	replay.LedgerClient
}

// Deps are the clients and the clock; main builds them from the standard AWS configuration.
type Deps struct {
	DynamoDB  DynamoDB
	SQS       replay.Queue
	Events    replay.Publisher
	Terraform discover.Terraform
	Now       func() time.Time
	Sleep     func(ctx context.Context, d time.Duration) error
}

// Usage is the help text.
const Usage = `tenantctl manages the tenants of the tenant isolation module's registry.

Usage:
  tenantctl add      [flags] TENANT    add an ACTIVE tenant
  tenantctl suspend  [flags] TENANT    hold its messages from now on (within the router's cache TTL)
  tenantctl resume   [flags] TENANT    make it ACTIVE, then replay its held messages into their sources, once each
  tenantctl offboard [flags] TENANT    quarantine its messages from now on as tenant_offboarded (final)
  tenantctl list     [flags]           list tenants (-status, -prefix, -limit, -token)
  tenantctl show     [flags] TENANT    status, last change and held-message count

Where (from the module's tenantctl output, or flags):
  -chdir DIR            the Terraform root that applied the module (runs terraform output -json tenantctl)
  -output NAME          the output that holds it (default tenantctl)
  -table NAME           the registry table
  -held-queue-url URL   the held queue
  -source NAME=URL      a source's queue (repeatable); NAME=bus:BUS for an EventBridge source without a buffer queue

Other flags: -json (output for scripts), -dry-run (show what would change), -reason TEXT (recorded with a change),
  -wait DURATION (resume: how long to wait for routers' caches before replaying; default the module's cache TTL)

AWS credentials, region and endpoint come from the standard configuration: AWS_PROFILE, AWS_REGION,
AWS_ENDPOINT_URL (for localaws), and so on.
`

// ExitError carries the exit status of a failed command.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

func usageError(format string, args ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format+"; run tenantctl -h for help", args...)}
}

type options struct {
	where   discover.Flags
	json    bool
	dryRun  bool
	reason  string
	wait    time.Duration
	waitSet bool
	list    store.ListOptions
	status  string
}

// Run runs one command; args exclude the program name. Output goes to stdout, progress and errors' details to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, d Deps) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, Usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	o, positional, err := parse(cmd, rest, stderr)
	if err != nil {
		return err
	}
	c := &command{d: d, o: o, out: stdout, errw: stderr}
	if d.Now == nil {
		c.d.Now = time.Now
	}
	needTenant := cmd != "list"
	switch {
	case needTenant && len(positional) != 1:
		return usageError("%s takes one tenant ID", cmd)
	case !needTenant && len(positional) != 0:
		return usageError("list takes no tenant ID; filter with -prefix")
	}
	tenant := ""
	if needTenant {
		tenant = positional[0]
		if rej := registry.CheckTenantID(tenant); rej != nil {
			return usageError("%v", rej)
		}
	}
	if c.t, err = discover.Find(ctx, d.Terraform, o.where); err != nil {
		return err
	}
	c.store = store.New(d.DynamoDB, c.t.TableName, c.d.Now)
	switch cmd {
	case "add":
		return c.add(ctx, tenant)
	case "suspend":
		return c.setStatus(ctx, tenant, registry.Suspended)
	case "offboard":
		return c.setStatus(ctx, tenant, registry.Offboarded)
	case "resume":
		return c.resume(ctx, tenant)
	case "list":
		return c.listTenants(ctx)
	case "show":
		return c.show(ctx, tenant)
	}
	return usageError("unknown command %q", cmd)
}

// parse reads flags placed before, between or after the positional arguments.
func parse(cmd string, args []string, stderr io.Writer) (options, []string, error) {
	switch cmd {
	case "add", "suspend", "resume", "offboard", "list", "show":
	default:
		return options{}, nil, usageError("unknown command %q; use add, suspend, resume, offboard, list or show", cmd)
	}
	var o options
	fs := flag.NewFlagSet("tenantctl "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.where.Chdir, "chdir", "", "")
	fs.StringVar(&o.where.OutputName, "output", "tenantctl", "")
	fs.StringVar(&o.where.Table, "table", "", "")
	fs.StringVar(&o.where.HeldQueueURL, "held-queue-url", "", "")
	fs.Func("source", "", func(v string) error {
		name, where, err := discover.ParseSource(v)
		if err != nil {
			return err
		}
		if o.where.Sources == nil {
			o.where.Sources = map[string]string{}
		}
		o.where.Sources[name] = where
		return nil
	})
	fs.BoolVar(&o.json, "json", false, "")
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	fs.StringVar(&o.reason, "reason", "", "")
	fs.Func("wait", "", func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return errors.New("want a duration such as 60s or 0s")
		}
		o.wait, o.waitSet = d, true
		return nil
	})
	fs.StringVar(&o.status, "status", "", "")
	fs.StringVar(&o.list.Prefix, "prefix", "", "")
	fs.IntVar(&o.list.Limit, "limit", 0, "")
	fs.StringVar(&o.list.Token, "token", "", "")
	fs.Usage = func() { fmt.Fprint(stderr, Usage) }

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return options{}, nil, &ExitError{Code: 0, Err: err}
			}
			return options{}, nil, &ExitError{Code: 2, Err: err}
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if o.status != "" {
		st, err := registry.ParseStatus(strings.ToUpper(o.status))
		if err != nil {
			return options{}, nil, usageError("-status: %v", err)
		}
		o.list.Status = st
	}
	if o.list.Limit < 0 {
		return options{}, nil, usageError("-limit must be 0 (all) or more")
	}
	return o, positional, nil
}

type command struct {
	d     Deps
	o     options
	t     discover.Target
	store *store.Store
	out   io.Writer
	errw  io.Writer
}

// result is what a command that changes a tenant prints.
type result struct {
	Tenant  string          `json:"tenant_id"`
	Action  string          `json:"action"`
	Before  registry.Status `json:"before,omitempty"`
	After   registry.Status `json:"after"`
	Changed bool            `json:"changed"`
	DryRun  bool            `json:"dry_run"`
	Replay  *replay.Report  `json:"replay,omitempty"`
}

func (c *command) add(ctx context.Context, tenant string) error {
	if c.o.dryRun {
		if existing, err := c.store.Get(ctx, tenant); err == nil {
			return fmt.Errorf("tenant %q already exists in %s with status %s", tenant, c.t.TableName, existing.Status)
		}
		return c.print(result{Tenant: tenant, Action: "add", After: registry.Active, Changed: true, DryRun: true})
	}
	t, err := c.store.Add(ctx, tenant, c.o.reason)
	if err != nil {
		return fmt.Errorf("%w; use resume or suspend to change an existing tenant", err)
	}
	return c.print(result{Tenant: tenant, Action: "add", After: t.Status, Changed: true})
}

func (c *command) setStatus(ctx context.Context, tenant string, to registry.Status) error {
	action := map[registry.Status]string{registry.Suspended: "suspend", registry.Offboarded: "offboard",
		registry.Active: "resume"}[to]
	if c.o.dryRun {
		t, err := c.store.Get(ctx, tenant)
		if err != nil {
			return c.notFound(err, tenant)
		}
		if err := store.CheckTransition(t, to); err != nil {
			return err
		}
		return c.print(result{Tenant: tenant, Action: action, Before: t.Status, After: to, Changed: t.Status != to,
			DryRun: true})
	}
	before, after, err := c.store.SetStatus(ctx, tenant, to, c.o.reason)
	if err != nil {
		return c.notFound(err, tenant)
	}
	return c.print(result{Tenant: tenant, Action: action, Before: before.Status, After: after.Status,
		Changed: before.Status != after.Status})
}

func (c *command) notFound(err error, tenant string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w; add it with tenantctl add %s", err, tenant)
	}
	return err
}

func (c *command) resume(ctx context.Context, tenant string) error {
	if c.t.HeldQueueURL == "" {
		return errors.New("no held queue: pass -chdir <Terraform root> or -held-queue-url <url>")
	}
	before, err := c.store.Get(ctx, tenant)
	if err != nil {
		return c.notFound(err, tenant)
	}
	if err := store.CheckTransition(before, registry.Active); err != nil {
		return err
	}
	rp := replay.New(c.d.SQS, c.d.Events, replay.NewLedger(c.d.DynamoDB, c.t.TableName, c.d.Now),
		replay.Config{HeldQueueURL: c.t.HeldQueueURL, Sources: c.t.Sources})
	res := result{Tenant: tenant, Action: "resume", Before: before.Status, After: registry.Active,
		Changed: before.Status != registry.Active, DryRun: c.o.dryRun}
	if c.o.dryRun {
		rep, err := rp.Replay(ctx, []string{tenant}, true, nil)
		res.Replay = &rep
		if err != nil {
			return err
		}
		return c.print(res)
	}
	_, after, err := c.store.SetStatus(ctx, tenant, registry.Active, c.o.reason)
	if err != nil {
		return err
	}
	// Routers keep the old status for up to their cache TTL, and would hold a replayed message again.
	if wait := c.cacheWait(after); wait > 0 {
		fmt.Fprintf(c.errw, "waiting %s for the routers' cached status of %s to expire (-wait to change)\n", wait, tenant)
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("interrupted before replaying: %s is ACTIVE; run tenantctl resume %s again to "+
				"replay its held messages", tenant, tenant)
		}
	}
	last := time.Now()
	rep, err := rp.Replay(ctx, []string{tenant}, false, func(r replay.Report) {
		if time.Since(last) >= time.Second {
			last = time.Now()
			fmt.Fprintf(c.errw, "replayed %d of %d held messages found so far\n", r.Replayed+r.AlreadyReplayed, r.Held)
		}
	})
	res.Replay = &rep
	if err != nil {
		_ = c.print(res)
		return err
	}
	if err := c.print(res); err != nil {
		return err
	}
	if rep.Interrupted {
		return &ExitError{Code: 130, Err: fmt.Errorf("interrupted after %d messages; run tenantctl resume %s again "+
			"to replay the rest (none is sent twice)", rep.Replayed, tenant)}
	}
	if len(rep.Kept) > 0 {
		return &ExitError{Code: 1, Err: fmt.Errorf("%d held messages of %s were left in the held queue; see "+
			"\"kept\" for why", len(rep.Kept), tenant)}
	}
	return nil
}

// cacheWait is how long routers may still hold the tenant's old status.
func (c *command) cacheWait(after store.Tenant) time.Duration {
	ttl := time.Duration(c.t.CacheTTLSeconds) * time.Second
	if c.t.CacheTTLSeconds == 0 {
		ttl = registry.DefaultTTL
	}
	if c.o.waitSet {
		ttl = c.o.wait
	}
	return ttl - c.d.Now().Sub(after.UpdatedAt)
}

func (c *command) sleep(ctx context.Context, d time.Duration) error {
	if c.d.Sleep != nil {
		return c.d.Sleep(ctx, d)
	}
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listing is list's JSON output.
type listing struct {
	Tenants   []store.Tenant `json:"tenants"`
	NextToken string         `json:"next_token,omitempty"`
}

func (c *command) listTenants(ctx context.Context) error {
	tenants, next, err := c.store.List(ctx, c.o.list)
	if err != nil {
		return err
	}
	if c.o.json {
		if tenants == nil {
			tenants = []store.Tenant{}
		}
		return writeJSON(c.out, listing{Tenants: tenants, NextToken: next})
	}
	w := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TENANT\tSTATUS\tUPDATED\tREASON")
	for _, t := range tenants {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", t.ID, t.Status, when(t.UpdatedAt), t.Reason)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "%d tenants\n", len(tenants))
	if next != "" {
		fmt.Fprintf(c.out, "more: tenantctl list -token %s\n", next)
	}
	return nil
}

// shown is show's JSON output.
type shown struct {
	store.Tenant
	Held         int            `json:"held"`
	HeldBySource map[string]int `json:"held_by_source"`
}

func (c *command) show(ctx context.Context, tenant string) error {
	t, err := c.store.Get(ctx, tenant)
	if err != nil {
		return c.notFound(err, tenant)
	}
	s := shown{Tenant: t, HeldBySource: map[string]int{}}
	if c.t.HeldQueueURL != "" {
		rp := replay.New(c.d.SQS, c.d.Events, nil, replay.Config{HeldQueueURL: c.t.HeldQueueURL, Visibility: 10 * time.Second})
		rep, err := rp.Replay(ctx, []string{tenant}, true, nil)
		if err != nil {
			return err
		}
		s.Held, s.HeldBySource = rep.Held, rep.BySource
	}
	if c.o.json {
		return writeJSON(c.out, s)
	}
	w := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "tenant\t%s\n", t.ID)
	fmt.Fprintf(w, "status\t%s\n", t.Status)
	fmt.Fprintf(w, "last change\t%s\n", when(t.UpdatedAt))
	if t.Reason != "" {
		fmt.Fprintf(w, "reason\t%s\n", t.Reason)
	}
	fmt.Fprintf(w, "held messages\t%d\n", s.Held)
	return w.Flush()
}

func (c *command) print(r result) error {
	if c.o.json {
		return writeJSON(c.out, r)
	}
	verb := map[bool]string{true: "would ", false: ""}[r.DryRun]
	switch {
	case r.Action == "add":
		fmt.Fprintf(c.out, "%sadd %s as %s\n", verb, r.Tenant, r.After)
	case !r.Changed:
		fmt.Fprintf(c.out, "%s is already %s\n", r.Tenant, r.After)
	default:
		fmt.Fprintf(c.out, "%s%s %s: %s -> %s\n", verb, r.Action, r.Tenant, r.Before, r.After)
	}
	if r.Replay != nil {
		rp := r.Replay
		if rp.DryRun {
			fmt.Fprintf(c.out, "would replay %d held messages\n", rp.Held)
		} else {
			fmt.Fprintf(c.out, "replayed %d held messages (%d replayed before and only deleted now)\n",
				rp.Replayed, rp.AlreadyReplayed)
		}
		for _, k := range rp.Kept {
			fmt.Fprintf(c.out, "kept %s from %s: %s\n", k.MessageID, k.Source, k.Reason)
		}
	}
	return nil
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
