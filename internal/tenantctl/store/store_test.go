package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
)

// fakeTable keeps items by tenant_id and honours the few conditions the store writes: attribute_not_exists on the
// key, and "#s = :from". Scan reads in key order and applies the store's filter by its values.
type fakeTable struct {
	mu    sync.Mutex
	items map[string]map[string]types.AttributeValue
	scans int
	// beforeUpdate runs inside UpdateItem before the condition is checked, to model a concurrent writer.
	beforeUpdate func(items map[string]map[string]types.AttributeValue)
}

func newFake() *fakeTable { return &fakeTable{items: map[string]map[string]types.AttributeValue{}} }

func sval(item map[string]types.AttributeValue, k string) string {
	if v, ok := item[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func (f *fakeTable) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &dynamodb.GetItemOutput{Item: f.items[sval(in.Key, "tenant_id")]}, nil
}

func (f *fakeTable) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := sval(in.Item, "tenant_id")
	if aws.ToString(in.ConditionExpression) == "attribute_not_exists(#id)" && f.items[id] != nil {
		return nil, &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
	}
	f.items[id] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func (f *fakeTable) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.beforeUpdate != nil {
		f.beforeUpdate(f.items)
	}
	id := sval(in.Key, "tenant_id")
	item := f.items[id]
	v := in.ExpressionAttributeValues
	if item == nil || sval(item, "status") != sval(v, ":from") {
		return nil, &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
	}
	item["status"], item["updated_at"], item["reason"] = v[":to"], v[":at"], v[":reason"]
	return &dynamodb.UpdateItemOutput{}, nil
}

func (f *fakeTable) Scan(_ context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scans++
	ids := make([]string, 0, len(f.items))
	for id := range f.items {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	start := 0
	if in.ExclusiveStartKey != nil {
		after := sval(in.ExclusiveStartKey, "tenant_id")
		start, _ = slices.BinarySearch(ids, after)
		if start < len(ids) && ids[start] == after {
			start++
		}
	}
	limit := len(ids)
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	limit = min(limit, 1000) // a page of the table, as DynamoDB's 1 MB would cut it
	v := in.ExpressionAttributeValues
	out := &dynamodb.ScanOutput{}
	read := 0
	for _, id := range ids[start:] {
		if read == limit {
			out.LastEvaluatedKey = key(ids[start+read-1])
			break
		}
		read++
		item := f.items[id]
		switch {
		case strings.Contains(id, sval(v, ":sep")):
		case v[":status"] != nil && sval(item, "status") != sval(v, ":status"):
		case v[":prefix"] != nil && !strings.HasPrefix(id, sval(v, ":prefix")):
		default:
			out.Items = append(out.Items, item)
		}
	}
	return out, nil
}

var t0 = time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)

func seeded(t *testing.T, statuses map[string]registry.Status) (*Store, *fakeTable) {
	t.Helper()
	f := newFake()
	s := New(f, "ti-tenants", func() time.Time { return t0 })
	for id, st := range statuses {
		f.items[id] = encode(Tenant{ID: id, Status: st, UpdatedAt: t0.Add(-time.Hour)})
	}
	return s, f
}

func TestAdd(t *testing.T) {
	s, _ := seeded(t, map[string]registry.Status{"acme": registry.Suspended})
	got, err := s.Add(context.Background(), "globex", "signed up")
	require.NoError(t, err)
	assert.Equal(t, Tenant{ID: "globex", Status: registry.Active, UpdatedAt: t0, Reason: "signed up"}, got)
	back, err := s.Get(context.Background(), "globex")
	require.NoError(t, err)
	assert.Equal(t, got, back)

	_, err = s.Add(context.Background(), "acme", "")
	assert.EqualError(t, err, `tenant "acme" already exists in ti-tenants with status SUSPENDED`,
		"adding an existing tenant never reactivates it")
}

func TestSetStatus(t *testing.T) {
	tests := []struct {
		name    string
		from    registry.Status
		to      registry.Status
		wantErr string
		changed bool
	}{
		{name: "an active tenant can be suspended", from: registry.Active, to: registry.Suspended, changed: true},
		{name: "a suspended tenant can be resumed", from: registry.Suspended, to: registry.Active, changed: true},
		{name: "an active tenant can be offboarded", from: registry.Active, to: registry.Offboarded, changed: true},
		{name: "a suspended tenant can be offboarded", from: registry.Suspended, to: registry.Offboarded, changed: true},
		{name: "suspending a suspended tenant is a no-op, so a rerun succeeds", from: registry.Suspended,
			to: registry.Suspended},
		{name: "an offboarded tenant cannot be resumed", from: registry.Offboarded, to: registry.Active,
			wantErr: `tenant "acme" is OFFBOARDED and cannot become ACTIVE`},
		{name: "an offboarded tenant cannot be suspended", from: registry.Offboarded, to: registry.Suspended,
			wantErr: `tenant "acme" is OFFBOARDED and cannot become SUSPENDED`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := seeded(t, map[string]registry.Status{"acme": tt.from})
			before, after, err := s.SetStatus(context.Background(), "acme", tt.to, "invoice 42")
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.from, before.Status)
			assert.Equal(t, tt.to, after.Status)
			got, err := s.Get(context.Background(), "acme")
			require.NoError(t, err)
			assert.Equal(t, tt.to, got.Status)
			if tt.changed {
				assert.Equal(t, t0, got.UpdatedAt)
				assert.Equal(t, "invoice 42", got.Reason)
			} else {
				assert.Equal(t, t0.Add(-time.Hour), got.UpdatedAt, "a no-op does not touch the item")
			}
		})
	}
}

func TestSetStatusOfAMissingTenant(t *testing.T) {
	s, _ := seeded(t, nil)
	_, _, err := s.SetStatus(context.Background(), "nobody", registry.Suspended, "")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestSetStatusLosesARaceLoudly(t *testing.T) {
	s, f := seeded(t, map[string]registry.Status{"acme": registry.Active})
	f.beforeUpdate = func(items map[string]map[string]types.AttributeValue) {
		items["acme"]["status"] = &types.AttributeValueMemberS{Value: "OFFBOARDED"} // another operator, first
	}
	_, _, err := s.SetStatus(context.Background(), "acme", registry.Suspended, "")
	require.ErrorContains(t, err, "changed while it was being set to SUSPENDED")
	got, err := s.Get(context.Background(), "acme")
	require.NoError(t, err)
	assert.Equal(t, registry.Offboarded, got.Status, "the other operator's change stands")
}

func TestList(t *testing.T) {
	statuses := map[string]registry.Status{}
	for i := range 25 {
		st := registry.Active
		if i%5 == 0 {
			st = registry.Suspended
		}
		statuses[fmt.Sprintf("t%02d", i)] = st
	}
	statuses["other"] = registry.Active
	s, f := seeded(t, statuses)
	f.items["t01#replay#orders#m1"] = map[string]types.AttributeValue{"tenant_id": &types.AttributeValueMemberS{Value: "t01#replay#orders#m1"}}

	tests := []struct {
		name string
		opts ListOptions
		want int
	}{
		{name: "every tenant, and no ledger item", want: 26},
		{name: "by status", opts: ListOptions{Status: registry.Suspended}, want: 5},
		{name: "by prefix", opts: ListOptions{Prefix: "t"}, want: 25},
		{name: "by status and prefix", opts: ListOptions{Status: registry.Active, Prefix: "o"}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, next, err := s.List(context.Background(), tt.opts)
			require.NoError(t, err)
			assert.Len(t, got, tt.want)
			assert.Empty(t, next)
		})
	}

	t.Run("pages hold the limit and together every tenant once", func(t *testing.T) {
		seen := map[string]int{}
		token, pages := "", 0
		for {
			got, next, err := s.List(context.Background(), ListOptions{Prefix: "t", Limit: 7, Token: token})
			require.NoError(t, err)
			assert.LessOrEqual(t, len(got), 7)
			for _, tn := range got {
				seen[tn.ID]++
			}
			pages++
			if next == "" {
				break
			}
			token = next
		}
		assert.Len(t, seen, 25)
		for id, n := range seen {
			assert.Equal(t, 1, n, id)
		}
		assert.Equal(t, 4, pages)
	})

	t.Run("a token that tenantctl did not print is refused with the fix", func(t *testing.T) {
		_, _, err := s.List(context.Background(), ListOptions{Token: "not-a-token"})
		assert.ErrorContains(t, err, "pass the next_token of the previous page")
	})
}
