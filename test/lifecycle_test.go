//go:build e2e

package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/cli"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/discover"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/replay"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

// lifecycleTTL is the router's registry cache TTL in the lifecycle stack: short, so that changes show quickly.
const lifecycleTTL = 3 * time.Second

// TestTenantLifecycle applies examples/complete with a tenant registry and drives tenants through it with tenantctl:
// a tenant added at run time is routed within the cache TTL, a suspended tenant's messages are held and never
// invoked, resume replays each of them exactly once, an offboarded tenant's messages are quarantined, and (on
// localaws, which injects DynamoDB faults) a failing registry makes the router retry, losing nothing.
func TestTenantLifecycle(t *testing.T) {
	t.Parallel()
	s := newStack(t, "examples/complete", "tl", runner.DestroyOnAWS, false)
	s.Options.Vars["create_tenant_registry"] = true
	s.Options.Vars["tenant_registry_cache_ttl_seconds"] = int(lifecycleTTL.Seconds())
	s.Options.Vars["router_timeout"] = traffic.SoakRouterTimeout // a retried batch comes back after 30 s
	terraform.InitAndApply(t, s.Options)
	stack, err := s.Outputs(t)
	require.NoError(t, err)
	ctl := newTenantctl(t, s.Options)

	ctx := context.Background()
	c := traffic.NewClients(tg.AWSConfig())
	var all verdict.Outcome
	collect := func(what string, done func(o *verdict.Outcome) bool) {
		t.Helper()
		o, err := traffic.Collect(ctx, c, stack, func(o *verdict.Outcome) (bool, error) {
			merged := all
			merged.Evidence = append(append([]verdict.Evidence(nil), all.Evidence...), o.Evidence...)
			merged.Quarantine = append(append([]verdict.Quarantined(nil), all.Quarantine...), o.Quarantine...)
			return done(&merged), nil
		}, 3*time.Minute)
		all.Evidence = append(all.Evidence, o.Evidence...)
		all.Quarantine = append(all.Quarantine, o.Quarantine...)
		all.Parked = append(all.Parked, o.Parked...)
		require.NoError(t, err, "%s: %s", what, traffic.Diagnostics(ctx, tg, stack))
	}

	ctl.run("add", "acme")
	ctl.run("add", "globex")
	ctl.run("suspend", "globex", "-reason", "invoice unpaid")
	ctl.run("add", "initech")
	ctl.run("offboard", "initech")

	sent, _, err := traffic.Send(ctx, c, stack, traffic.Plan{SQSTenants: []string{"acme", "globex", "initech", "newco"},
		EventBridgeTenants: []string{"acme", "globex"}, PerTenant: 3})
	require.NoError(t, err)
	held := idsOf(sent, "globex")
	collect("active, offboarded and unknown tenants", func(o *verdict.Outcome) bool {
		return len(evidenceOf(o, "acme")) == 6 && len(quarantinedAs(o, "tenant_offboarded")) == 3 &&
			len(quarantinedAs(o, "unknown_tenant")) == 3
	})
	assert.ElementsMatch(t, idsOf(sent, "initech"), quarantinedAs(&all, "tenant_offboarded"))
	assert.ElementsMatch(t, idsOf(sent, "newco"), quarantinedAs(&all, "unknown_tenant"))

	t.Run("a suspended tenant's messages are held and never invoked", func(t *testing.T) {
		require.Eventually(t, func() bool { return ctl.show("globex").Held == len(held) }, time.Minute, time.Second,
			"all %d messages of globex in the held queue", len(held))
		assert.Empty(t, evidenceOf(&all, "globex"), "no invocation for a suspended tenant")
		if tg.Local() {
			envs, err := tg.Environments(ctx)
			require.NoError(t, err)
			// The suite's localaws serves every stack: only this stack's backend counts.
			for _, e := range envs {
				if e.FunctionName == stack.BackendFunction {
					assert.NotEqual(t, "globex", e.TenantID, "no execution environment was started for globex")
				}
			}
		}
	})

	t.Run("a tenant added at run time is routed within the cache TTL", func(t *testing.T) {
		// A fresh "unknown" answer in the router's cache first, so that the add has a
		// cached answer to outlive and the bound below measures the TTL.
		probe, _, err := traffic.Send(ctx, c, stack, traffic.Plan{SQSTenants: []string{"newco"}, PerTenant: 1})
		require.NoError(t, err)
		probeIDs := idsOf(probe, "newco")
		collect("newco's probe quarantined as unknown", func(o *verdict.Outcome) bool {
			return len(probeIDs) == 1 && slices.Contains(quarantinedAs(o, "unknown_tenant"), probeIDs[0])
		})
		ctl.run("add", "newco")
		added := time.Now()
		var routed time.Duration
		for routed == 0 && time.Since(added) < time.Minute {
			_, _, err := traffic.Send(ctx, c, stack, traffic.Plan{SQSTenants: []string{"newco"}, PerTenant: 1})
			require.NoError(t, err)
			o, _ := traffic.Collect(ctx, c, stack, func(o *verdict.Outcome) (bool, error) {
				return len(evidenceOf(o, "newco")) > 0, nil
			}, 2*time.Second) // an incomplete collection is the usual case here: send again
			all.Evidence = append(all.Evidence, o.Evidence...)
			all.Quarantine = append(all.Quarantine, o.Quarantine...)
			if e := evidenceOf(&all, "newco"); len(e) > 0 {
				routed = e[0].SentAt.Sub(added)
			}
		}
		require.NotZero(t, routed, "newco was never routed")
		t.Logf("newco routed %s after it was added (cache TTL %s)", routed.Round(100*time.Millisecond), lifecycleTTL)
		assert.LessOrEqual(t, routed, lifecycleTTL+10*time.Second, "within the TTL, plus delivery")
	})

	t.Run("a registry outage is retried, and nothing is lost or quarantined", func(t *testing.T) {
		if !tg.Local() {
			t.Skip("DynamoDB faults are injected by localaws only")
		}
		ctl.run("add", "hooli") // never looked up, so no router has it cached
		table := ctl.target.TableName
		require.NoError(t, tg.SetTableFaults(ctx, table, faults.Config{ErrorRate: 1}))
		defer tg.ClearTableFaults(context.WithoutCancel(ctx), table)
		outage, _, err := traffic.Send(ctx, c, stack, traffic.Plan{SQSTenants: []string{"hooli"},
			EventBridgeTenants: []string{"hooli"}, PerTenant: 3})
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			st, err := tg.TableFaultStats(ctx, table)
			return err == nil && st.Errors > 0
		}, time.Minute, 500*time.Millisecond, "the router read the failing registry")
		time.Sleep(2 * time.Second) // the router's batches fail and go back to their queues
		require.NoError(t, tg.ClearTableFaults(ctx, table))
		collect("messages retried after the outage", func(o *verdict.Outcome) bool {
			return len(evidenceOf(o, "hooli")) >= len(outage)
		})
		count := map[string]int{}
		for _, e := range evidenceOf(&all, "hooli") {
			count[e.MessageID]++
		}
		for _, s := range outage {
			assert.Equal(t, 1, count[s.MessageID], "message %s processed once after the outage", s.MessageID)
			assert.NotContains(t, quarantinedAs(&all, "unknown_tenant"), s.MessageID, "never quarantined as unknown")
		}
	})

	t.Run("resume replays each held message exactly once", func(t *testing.T) {
		rep := ctl.resume("globex")
		assert.Equal(t, len(held), rep.Replayed)
		assert.Empty(t, rep.Kept)
		ledger := replay.NewLedger(dynamodb.NewFromConfig(tg.AWSConfig()), ctl.target.TableName, nil)
		want := map[string]bool{}
		for _, s := range sent {
			if s.Tenant != "globex" {
				continue
			}
			if s.Via == verdict.ViaEventBridge {
				// Replayed into the buffer queue, the event keeps its id, which is the message's ID for the router.
				want[s.MessageID] = true
				continue
			}
			id, err := ledger.SentID(ctx, replay.LedgerKey("globex", "orders", s.MessageID))
			require.NoError(t, err)
			require.NotEmpty(t, id, "message %s was replayed", s.MessageID)
			want[id] = true
		}
		collect("replayed messages", func(o *verdict.Outcome) bool { return len(evidenceOf(o, "globex")) >= len(held) })
		count := map[string]int{}
		for _, e := range evidenceOf(&all, "globex") {
			count[e.MessageID]++
		}
		for id := range want {
			assert.Equal(t, 1, count[id], "replayed message %s processed exactly once", id)
		}
		assert.Len(t, count, len(want), "nothing but the replayed messages ran for globex")
		again := ctl.resume("globex")
		assert.Zero(t, again.Held+again.Replayed, "a second resume finds nothing to replay")
	})
}

// tenantctl runs the tenantctl commands in this process, against the target, finding the stack from its outputs.
type tenantctl struct {
	t      *testing.T
	deps   cli.Deps
	target discover.Target
}

func newTenantctl(t *testing.T, opts *terraform.Options) *tenantctl {
	out := terraform.OutputJson(t, opts, "tenantctl")
	ctl := &tenantctl{t: t}
	require.NoError(t, json.Unmarshal([]byte(out), &ctl.target))
	cfg := tg.AWSConfig()
	ctl.deps = cli.Deps{DynamoDB: dynamodb.NewFromConfig(cfg), SQS: sqs.NewFromConfig(cfg),
		Events:    eventbridge.NewFromConfig(cfg),
		Terraform: func(context.Context, ...string) ([]byte, error) { return []byte(out), nil }}
	return ctl
}

// run runs one command with -chdir (answered from the outputs) and returns its standard output.
func (c *tenantctl) run(args ...string) []byte {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	err := cli.Run(context.Background(), append(args, "-chdir", "stack"), &stdout, &stderr, c.deps)
	require.NoError(c.t, err, "tenantctl %v: %s", args, stderr.String())
	return stdout.Bytes()
}

func (c *tenantctl) show(tenant string) (s struct{ Held int }) {
	require.NoError(c.t, json.Unmarshal(c.run("show", tenant, "-json"), &s))
	return s
}

func (c *tenantctl) resume(tenant string) replay.Report {
	var r struct{ Replay replay.Report }
	out := c.run("resume", tenant, "-json", "-wait", fmt.Sprint(lifecycleTTL+time.Second))
	require.NoError(c.t, json.Unmarshal(out, &r))
	return r.Replay
}

func idsOf(sent []verdict.Sent, tenant string) []string {
	var ids []string
	for _, s := range sent {
		if s.Tenant == tenant {
			ids = append(ids, s.MessageID)
		}
	}
	return ids
}

func evidenceOf(o *verdict.Outcome, tenant string) []verdict.Evidence {
	var out []verdict.Evidence
	for _, e := range o.Evidence {
		if e.TenantID == tenant {
			out = append(out, e)
		}
	}
	return out
}

func quarantinedAs(o *verdict.Outcome, reason string) []string {
	var ids []string
	for _, q := range o.Quarantine {
		if q.Reason == reason {
			ids = append(ids, q.OriginalMessageID)
		}
	}
	return ids
}
