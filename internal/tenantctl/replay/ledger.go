package replay

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
)

// LedgerClient is the part of the DynamoDB client the ledger uses.
type LedgerClient interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// Ledger states of a held message.
const (
	StateSending = "SENDING" // claimed by a run that may or may not have sent it
	StateSent    = "SENT"    // sent to its source; only the delete from the held queue may be missing
)

// Ledger attributes, on items keyed <tenant>#replay#<source>#<message id> in the registry table.
const (
	attrState     = "replay_state"
	attrClaimedBy = "claimed_by"
	attrClaimedAt = "claimed_at"      // Unix seconds
	attrExpiresAt = "expires_at"      // Unix seconds; the table's TTL attribute
	attrSentID    = "sent_message_id" // the ID the source gave the replayed message
)

// Retention of ledger items: longer than the held queue keeps a message (14 days), so that a held duplicate of a
// replayed message is always recognised.
const ledgerRetention = 15 * 24 * time.Hour

// DynamoLedger keeps the replay ledger in the registry table. A tenant ID never holds registry.KeySeparator, so its
// keys never collide with a tenant and the router never reads them.
type DynamoLedger struct {
	c     LedgerClient
	table string
	now   func() time.Time
}

// NewLedger returns the ledger in table. A nil now means time.Now.
func NewLedger(c LedgerClient, table string, now func() time.Time) *DynamoLedger {
	if now == nil {
		now = time.Now
	}
	return &DynamoLedger{c: c, table: table, now: now}
}

func (l *DynamoLedger) key(k string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{registry.AttrTenantID: &types.AttributeValueMemberS{Value: k}}
}

// entry is the ledger item of k in state, written by run at now.
func (l *DynamoLedger) entry(k, state, run string, now time.Time) map[string]types.AttributeValue {
	item := l.key(k)
	item[attrState] = &types.AttributeValueMemberS{Value: state}
	item[attrClaimedBy] = &types.AttributeValueMemberS{Value: run}
	item[attrClaimedAt] = &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)}
	item[attrExpiresAt] = &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Add(ledgerRetention).Unix(), 10)}
	return item
}

// SentID returns the ID the source gave the replay of k, "" when it was not replayed.
func (l *DynamoLedger) SentID(ctx context.Context, k string) (string, error) {
	return l.read(ctx, k, attrSentID)
}

// State returns the state of k, "" when it has no entry.
func (l *DynamoLedger) State(ctx context.Context, k string) (string, error) {
	return l.read(ctx, k, attrState)
}

// read returns one string attribute of k's entry, "" when there is none.
func (l *DynamoLedger) read(ctx context.Context, k, attr string) (string, error) {
	out, err := l.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(l.table), Key: l.key(k),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("reading the replay ledger: %w", err)
	}
	if s, ok := out.Item[attr].(*types.AttributeValueMemberS); ok {
		return s.Value, nil
	}
	return "", nil
}

// Claim records that run is about to send k. It succeeds when k has no entry, or when another run's claim is older
// than lease (that run died between its claim and its send's confirmation). It reports false, without error, when a
// live claim or a SENT entry exists.
func (l *DynamoLedger) Claim(ctx context.Context, k, run string, lease time.Duration) (bool, error) {
	now := l.now()
	_, err := l.c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(l.table),
		Item:                     l.entry(k, StateSending, run, now),
		ConditionExpression:      aws.String("attribute_not_exists(#k) OR (#st = :sending AND #at < :stale)"),
		ExpressionAttributeNames: map[string]string{"#k": registry.AttrTenantID, "#st": attrState, "#at": attrClaimedAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":sending": &types.AttributeValueMemberS{Value: StateSending},
			":stale":   &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Add(-lease).Unix(), 10)},
		},
	})
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claiming a held message in the replay ledger: %w", err)
	}
	return true, nil
}

// Confirm records that k was sent, and the ID the source gave it.
func (l *DynamoLedger) Confirm(ctx context.Context, k, run, sentID string) error {
	item := l.entry(k, StateSent, run, l.now())
	if sentID != "" {
		item[attrSentID] = &types.AttributeValueMemberS{Value: sentID}
	}
	if _, err := l.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: item}); err != nil {
		return fmt.Errorf("confirming a replayed message in the replay ledger: %w", err)
	}
	return nil
}
