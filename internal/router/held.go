package router

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

// Resolver answers, for a batch's tenants, what the tenant registry says (registry.Cache).
type Resolver interface {
	Resolve(ctx context.Context, ids []string) map[string]registry.Result
}

// WithRegistry gives the router the tenant registry that ROUTER_REGISTRY_TABLE names.
func WithRegistry(res Resolver) Option { return func(r *Router) { r.registry = res } }

// Held message attributes on top of the quarantine message's (docs/contracts.md, "Held message"): what tenantctl
// resume needs to put the message back into its source as it was.
const (
	AttrHeldTenantID          = "held_tenant_id"
	AttrOriginalMessageGroup  = "original_message_group_id"
	AttrOriginalAttributeType = "original_attribute_types" // JSON object of the data types that are not "String"
)

// lookups maps each tenant of a batch to what the registry said; nil without a registry.
type lookups map[string]registry.Result

// lookup asks the registry about every tenant of the batch whose ID passed the checks, at once.
func (r *Router) lookup(ctx context.Context, jobs []job) lookups {
	if r.registry == nil {
		return nil
	}
	ids := make([]string, 0, len(jobs))
	for i := range jobs {
		if j := &jobs[i]; j.rej == nil && j.err == nil && j.tenantID != "" {
			ids = append(ids, j.tenantID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return r.registry.Resolve(ctx, ids)
}

func (r *Router) isKnown(tenantID string) bool {
	_, ok := r.known[tenantID]
	return ok
}

func (r *Router) knownHint() string {
	if r.known != nil {
		return " nor in known_tenants"
	}
	return ""
}

// hold parks a message of a suspended tenant in the held queue, from which tenantctl resume replays it into its
// source. Like a quarantined message, it counts as handled only once the held queue has it.
func (r *Router) hold(ctx context.Context, it item, tenantID string) (outcome, error) {
	extra := []attr{{AttrHeldTenantID, tenantID}, {AttrOriginalMessageGroup, it.groupID},
		{AttrOriginalAttributeType, attributeTypes(it)}}
	in := r.message(r.heldURL, false, it, &tenant.Rejection{Reason: tenant.ReasonSuspended}, extra)
	attrs := []slog.Attr{requestAttr(ctx), slog.String("tenantId", tenantID), slog.String("messageId", it.messageID),
		slog.String("source", it.src.name)}
	if _, err := r.snd.SendMessage(ctx, in); err != nil {
		r.log.LogAttrs(ctx, slog.LevelError, "message failed", append(attrs, slog.String("reason", "hold_failed"),
			slog.String("error", err.Error()))...)
		return outcomeFailed, fmt.Errorf("router: holding message %s: %w", it.messageID, err)
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, "message held", append(attrs,
		slog.String("reason", string(tenant.ReasonSuspended)))...)
	return outcomeHeld, nil
}

// attributeTypes renders the data types of the attributes that are not plain "String" (Number, custom types), so
// that a replay restores them; "" when there are none.
func attributeTypes(it item) string {
	var names []string
	for k, a := range it.attrs {
		if a.StringValue != nil && a.DataType != stringType {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	types := make(map[string]string, len(names))
	for _, k := range names {
		types[k] = it.attrs[k].DataType
	}
	b, _ := json.Marshal(types) // a map of strings always encodes
	return string(b)
}
