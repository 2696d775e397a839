package dynamodb

import (
	"context"
	"slices"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// UpdateTable changes billing, capacity, indexes, streams, encryption, class and
// deletion protection. A change is checked whole on a copy and applied only if valid.
func (s *Service) UpdateTable(ctx context.Context, in *updateTableInput) (*tableOutput, error) {
	var v shape.Violations
	v.Enum("billingMode", in.BillingMode, billingProvisioned, billingPayPerRequest)
	v.Enum("tableClass", in.TableClass, tableClassStandard, "STANDARD_INFREQUENT_ACCESS")
	if in.StreamSpecification != nil {
		v.Enum("streamSpecification.streamViewType", in.StreamSpecification.StreamViewType, streamViewTypes...)
	}
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	if len(in.ReplicaUpdates) > 0 {
		return nil, errNotImplemented("Global tables (ReplicaUpdates)")
	}
	name := s.nameOf(in.TableName)
	return inTable(s, name, func(t *table) (*tableOutput, error) {
		next := *t
		next.gsis = slices.Clone(t.gsis)
		if err := s.applyUpdate(&next, in); err != nil {
			return nil, err
		}
		*t = next
		return &tableOutput{TableDescription: t.describe(statusUpdating, s.env.Region, s.env.Account)}, nil
	})
}

// applyUpdate applies in to t, a copy of the table whose index list it may replace.
func (s *Service) applyUpdate(t *table, in *updateTableInput) error {
	if in.BillingMode == "" && in.ProvisionedThroughput == nil && in.GlobalSecondaryIndexUpdates == nil &&
		in.StreamSpecification == nil && in.SSESpecification == nil && in.TableClass == "" &&
		in.DeletionProtectionEnabled == nil && in.OnDemandThroughput == nil && in.WarmThroughput == nil {
		return protocol.Validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, " +
			"GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	now := s.env.Clock.Now()
	if err := t.updateBilling(in, now); err != nil {
		return err
	}
	if err := s.updateIndexes(t, in); err != nil {
		return err
	}
	if err := t.setStream(in.StreamSpecification, now); err != nil {
		return err
	}
	if in.SSESpecification != nil {
		t.sse = in.SSESpecification
	}
	if in.TableClass != "" {
		t.class = in.TableClass
	}
	if in.DeletionProtectionEnabled != nil {
		t.protect = *in.DeletionProtectionEnabled
	}
	if in.WarmThroughput != nil {
		t.warm = in.WarmThroughput
	}
	return nil
}

// updateBilling switches the billing mode and sets capacity, for the table and, when
// the mode changes, for each index.
func (t *table) updateBilling(in *updateTableInput, now time.Time) error {
	billing := t.billing
	if in.BillingMode != "" {
		billing = in.BillingMode
	}
	switch {
	case billing == billingPayPerRequest:
		if _, _, err := checkThroughput(billing, in.ProvisionedThroughput, ""); err != nil {
			return err
		}
		if t.billing != billingPayPerRequest {
			t.billedAt = now
		}
		t.rcu, t.wcu = 0, 0
		if in.OnDemandThroughput != nil {
			t.onDemand = in.OnDemandThroughput
		}
	case in.ProvisionedThroughput != nil || t.billing != billing:
		rcu, wcu, err := checkThroughput(billing, in.ProvisionedThroughput, "")
		if err != nil {
			return err
		}
		t.rcu, t.wcu, t.onDemand = rcu, wcu, nil
	}
	if billing != t.billing {
		for i, ix := range t.gsis {
			c := *ix
			if billing == billingPayPerRequest {
				c.rcu, c.wcu = 0, 0
			}
			t.gsis[i] = &c
		}
	}
	t.billing = billing
	return nil
}

// updateIndexes applies GlobalSecondaryIndexUpdates: creates, updates and deletes.
// Attribute definitions end as exactly the key attributes in use, as in AWS.
func (s *Service) updateIndexes(t *table, in *updateTableInput) error {
	if len(in.GlobalSecondaryIndexUpdates) == 0 {
		return nil
	}
	defs := slices.Clone(t.attrDefs)
	for _, d := range in.AttributeDefinitions {
		if i := slices.IndexFunc(defs, func(e attributeDefinition) bool { return e.AttributeName == d.AttributeName }); i >= 0 {
			if defs[i].AttributeType != d.AttributeType {
				return errInvalid("Cannot change the type of an existing key attribute: %s", d.AttributeName)
			}
			continue
		}
		defs = append(defs, d)
	}
	types, err := definedTypes(defs)
	if err != nil {
		return err
	}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		switch {
		case u.Create != nil:
			if t.index(u.Create.IndexName) != nil {
				return errInvalid("Attempting to create an index which already exists")
			}
			ix, err := s.newGSI(t, u.Create, types)
			if err != nil {
				return err
			}
			t.items.each(func(it attr.Item) { ix.items.put(ix.project(it, t.key)) })
			t.gsis = append(t.gsis, ix)
		case u.Update != nil:
			i := slices.IndexFunc(t.gsis, func(ix *index) bool { return ix.name == u.Update.IndexName })
			if i < 0 {
				return ddbError("ResourceNotFoundException", "Requested resource not found: Index: %s not found",
					u.Update.IndexName)
			}
			c := *t.gsis[i]
			if u.Update.ProvisionedThroughput != nil {
				if c.rcu, c.wcu, err = checkThroughput(t.billing, u.Update.ProvisionedThroughput, c.name); err != nil {
					return err
				}
			}
			if u.Update.OnDemandThroughput != nil {
				c.onDemand = u.Update.OnDemandThroughput
			}
			if u.Update.WarmThroughput != nil {
				c.warm = u.Update.WarmThroughput
			}
			t.gsis[i] = &c
		case u.Delete != nil:
			i := slices.IndexFunc(t.gsis, func(ix *index) bool { return ix.name == u.Delete.IndexName })
			if i < 0 {
				return ddbError("ResourceNotFoundException", "Requested resource not found: Index: %s not found",
					u.Delete.IndexName)
			}
			t.gsis = slices.Delete(t.gsis, i, i+1)
		default:
			return protocol.Validation("One of Create, Update or Delete must be set in a GlobalSecondaryIndexUpdate")
		}
	}
	if err := checkIndexSet(slices.Concat(t.gsis, t.lsis)); err != nil {
		return err
	}
	used := map[string]bool{}
	for _, ks := range append([][]keySchemaElement{t.keySchema}, indexKeys(slices.Concat(t.gsis, t.lsis))...) {
		for _, k := range ks {
			used[k.AttributeName] = true
		}
	}
	for _, d := range in.AttributeDefinitions {
		if !used[d.AttributeName] {
			return errInvalid("Number of attributes in KeySchema does not exactly match number of attributes " +
				"defined in AttributeDefinitions")
		}
	}
	t.attrDefs = slices.DeleteFunc(defs, func(d attributeDefinition) bool { return !used[d.AttributeName] })
	return nil
}

func indexKeys(ixs []*index) [][]keySchemaElement {
	out := make([][]keySchemaElement, len(ixs))
	for i, ix := range ixs {
		out[i] = ix.keySchema
	}
	return out
}
