// Package store reads and writes the tenant registry for tenantctl: adding tenants, changing their status with
// conditional writes (so that two operators cannot race a tenant into a state neither chose), and listing them.
package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
)

// Client is the part of the DynamoDB client the store uses.
type Client interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Tenant is one registry item.
type Tenant struct {
	ID        string          `json:"tenant_id"`
	Status    registry.Status `json:"status"`
	UpdatedAt time.Time       `json:"updated_at"`
	Reason    string          `json:"reason,omitempty"`
}

// Store is the registry table.
type Store struct {
	c     Client
	table string
	now   func() time.Time
}

// New returns a Store over table. A nil now means time.Now.
func New(c Client, table string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{c: c, table: table, now: now}
}

// Table is the table's name.
func (s *Store) Table() string { return s.table }

// ErrNotFound is returned for a tenant the registry has no item for.
var ErrNotFound = errors.New("no such tenant")

// TransitionError says why a status change was refused.
type TransitionError struct {
	Tenant Tenant
	To     registry.Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("tenant %q is %s and cannot become %s", e.Tenant.ID, e.Tenant.Status, e.To)
}

// from lists the statuses each status may be reached from. An offboarded tenant stays offboarded: its ID may have
// been reused by a customer who must not get the old tenant's held messages.
var from = map[registry.Status][]registry.Status{
	registry.Active:     {registry.Suspended},
	registry.Suspended:  {registry.Active},
	registry.Offboarded: {registry.Active, registry.Suspended},
}

// CheckTransition reports whether t may move to status to. Moving to the status it has is allowed (a no-op), so
// that commands can be run twice.
func CheckTransition(t Tenant, to registry.Status) error {
	if t.Status == to || slices.Contains(from[to], t.Status) {
		return nil
	}
	return &TransitionError{Tenant: t, To: to}
}

// Get reads one tenant.
func (s *Store) Get(ctx context.Context, id string) (Tenant, error) {
	out, err := s.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(id),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Tenant{}, fmt.Errorf("reading tenant %q from %s: %w", id, s.table, err)
	}
	if out.Item == nil {
		return Tenant{}, fmt.Errorf("tenant %q: %w in %s", id, ErrNotFound, s.table)
	}
	return decode(out.Item)
}

// Add creates an ACTIVE tenant. It fails if the tenant exists, whatever its status.
func (s *Store) Add(ctx context.Context, id, reason string) (Tenant, error) {
	t := Tenant{ID: id, Status: registry.Active, UpdatedAt: s.now().UTC().Truncate(time.Second), Reason: reason}
	_, err := s.c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(s.table),
		Item:                     encode(t),
		ConditionExpression:      aws.String("attribute_not_exists(#id)"),
		ExpressionAttributeNames: map[string]string{"#id": registry.AttrTenantID},
	})
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		existing, gerr := s.Get(ctx, id)
		if gerr != nil {
			return Tenant{}, fmt.Errorf("tenant %q already exists in %s", id, s.table)
		}
		return existing, fmt.Errorf("tenant %q already exists in %s with status %s", id, s.table, existing.Status)
	}
	if err != nil {
		return Tenant{}, fmt.Errorf("adding tenant %q to %s: %w", id, s.table, err)
	}
	return t, nil
}

// SetStatus moves a tenant to status to, if its current status allows it (CheckTransition), and returns the tenant
// as it was and as it is. The write is conditional on the status read, so a concurrent change makes it fail rather
// than be overwritten.
func (s *Store) SetStatus(ctx context.Context, id string, to registry.Status, reason string) (before, after Tenant, err error) {
	before, err = s.Get(ctx, id)
	if err != nil {
		return Tenant{}, Tenant{}, err
	}
	if err := CheckTransition(before, to); err != nil {
		return before, before, err
	}
	if before.Status == to {
		return before, before, nil
	}
	after = Tenant{ID: id, Status: to, UpdatedAt: s.now().UTC().Truncate(time.Second), Reason: reason}
	_, err = s.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 key(id),
		UpdateExpression:    aws.String("SET #s = :to, #u = :at, #r = :reason"),
		ConditionExpression: aws.String("#s = :from"),
		ExpressionAttributeNames: map[string]string{"#s": registry.AttrStatus, "#u": registry.AttrUpdatedAt,
			"#r": registry.AttrReason},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":to":     &types.AttributeValueMemberS{Value: string(to)},
			":from":   &types.AttributeValueMemberS{Value: string(before.Status)},
			":at":     &types.AttributeValueMemberS{Value: after.UpdatedAt.Format(time.RFC3339)},
			":reason": &types.AttributeValueMemberS{Value: reason},
		},
	})
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return before, before, fmt.Errorf("tenant %q changed while it was being set to %s; run the command again", id, to)
	}
	if err != nil {
		return before, before, fmt.Errorf("setting tenant %q to %s in %s: %w", id, to, s.table, err)
	}
	return before, after, nil
}

// ListOptions filter and page a listing.
type ListOptions struct {
	Status registry.Status // "" for every status
	Prefix string          // tenant IDs that start with it
	Limit  int             // at most this many tenants; 0 for all
	Token  string          // where the previous page ended
}

// List returns tenants in the table's order, and the token of the next page ("" after the last). Items whose key
// holds registry.KeySeparator (the replay ledger) are not tenants and are skipped.
func (s *Store) List(ctx context.Context, o ListOptions) ([]Tenant, string, error) {
	start, err := decodeToken(o.Token)
	if err != nil {
		return nil, "", err
	}
	filter := []string{"NOT contains(#id, :sep)"}
	names := map[string]string{"#id": registry.AttrTenantID}
	values := map[string]types.AttributeValue{":sep": &types.AttributeValueMemberS{Value: registry.KeySeparator}}
	if o.Status != "" {
		filter = append(filter, "#s = :status")
		names["#s"] = registry.AttrStatus
		values[":status"] = &types.AttributeValueMemberS{Value: string(o.Status)}
	}
	if o.Prefix != "" {
		filter = append(filter, "begins_with(#id, :prefix)")
		values[":prefix"] = &types.AttributeValueMemberS{Value: o.Prefix}
	}
	var out []Tenant
	for {
		in := &dynamodb.ScanInput{
			TableName:                 aws.String(s.table),
			FilterExpression:          aws.String(strings.Join(filter, " AND ")),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
			ExclusiveStartKey:         start,
		}
		if o.Limit > 0 {
			// Limit counts items read before the filter, so a page never holds more than is still wanted and the
			// next page starts exactly after the last tenant returned.
			in.Limit = aws.Int32(int32(o.Limit - len(out)))
		}
		page, err := s.c.Scan(ctx, in)
		if err != nil {
			return nil, "", fmt.Errorf("listing tenants in %s: %w", s.table, err)
		}
		for _, item := range page.Items {
			t, err := decode(item)
			if err != nil {
				return nil, "", err
			}
			out = append(out, t)
		}
		start = page.LastEvaluatedKey
		if len(start) == 0 {
			return out, "", nil
		}
		if o.Limit > 0 && len(out) >= o.Limit {
			token, err := encodeToken(start)
			return out, token, err
		}
	}
}

func key(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{registry.AttrTenantID: &types.AttributeValueMemberS{Value: id}}
}

func encode(t Tenant) map[string]types.AttributeValue {
	item := map[string]types.AttributeValue{
		registry.AttrTenantID:  &types.AttributeValueMemberS{Value: t.ID},
		registry.AttrStatus:    &types.AttributeValueMemberS{Value: string(t.Status)},
		registry.AttrUpdatedAt: &types.AttributeValueMemberS{Value: t.UpdatedAt.Format(time.RFC3339)},
	}
	if t.Reason != "" {
		item[registry.AttrReason] = &types.AttributeValueMemberS{Value: t.Reason}
	}
	return item
}

func decode(item map[string]types.AttributeValue) (Tenant, error) {
	str := func(k string) string {
		if v, ok := item[k].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	t := Tenant{ID: str(registry.AttrTenantID), Reason: str(registry.AttrReason)}
	st, err := registry.ParseStatus(str(registry.AttrStatus))
	if err != nil {
		return Tenant{}, fmt.Errorf("tenant %q: %w; fix the item", t.ID, err)
	}
	t.Status = st
	if at := str(registry.AttrUpdatedAt); at != "" {
		if t.UpdatedAt, err = time.Parse(time.RFC3339, at); err != nil {
			return Tenant{}, fmt.Errorf("tenant %q: updated_at %q is not an RFC 3339 time; fix the item", t.ID, at)
		}
	}
	return t, nil
}

// A page token is the scan's LastEvaluatedKey (a tenant ID) in URL-safe base64, opaque to the user.
func encodeToken(k map[string]types.AttributeValue) (string, error) {
	id, ok := k[registry.AttrTenantID].(*types.AttributeValueMemberS)
	if !ok {
		return "", errors.New("the table's key is not the string tenant_id")
	}
	b, _ := json.Marshal(id.Value) // a string always encodes
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func decodeToken(token string) (map[string]types.AttributeValue, error) {
	if token == "" {
		return nil, nil
	}
	var id string
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(b, &id)
	}
	if err != nil || id == "" {
		return nil, fmt.Errorf("page token %q is not one tenantctl list printed; pass the next_token of the previous page", token)
	}
	return key(id), nil
}
