package dynamodb

import (
	"slices"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Billing modes, statuses and key types as the API spells them.
const (
	billingProvisioned   = "PROVISIONED"
	billingPayPerRequest = "PAY_PER_REQUEST"
	statusActive         = "ACTIVE"
	keyHash              = "HASH"
	keyRange             = "RANGE"
	tableClassStandard   = "STANDARD"
)

// Warm throughput DynamoDB reports for a table or index nobody pre-warmed; the provider
// reads these values as "not set".
const (
	defaultWarmRead  = 12000
	defaultWarmWrite = 4000
)

var tableNamePattern = shape.Anchored(`[a-zA-Z0-9_.-]+`)

// table is one table: its settings as the API describes them, and its items.
type table struct {
	name, arn, id string
	created       time.Time

	attrDefs  []attributeDefinition
	keySchema []keySchemaElement
	key       attr.KeySchema
	billing   string
	billedAt  time.Time // the last switch to PAY_PER_REQUEST
	rcu, wcu  int64
	onDemand  *onDemandThroughput
	warm      *warmThroughput
	gsis      []*index
	lsis      []*index
	class     string
	protect   bool
	stream    *streamSpecification // nil when off
	// streamLabel and streamARN stay after the stream is turned off, as in AWS.
	streamLabel, streamARN string
	sse                    *sseSpecification // nil when not requested

	ttlAttr    string
	ttlEnabled bool
	pitr       bool
	pitrDays   int32
	tags       shape.TagSet

	items *store
}

// index is a global or local secondary index.
type index struct {
	name      string
	arn       string
	global    bool
	keySchema []keySchemaElement
	key       attr.KeySchema
	proj      projection
	rcu, wcu  int64
	onDemand  *onDemandThroughput
	warm      *warmThroughput
	items     *store
}

// checkTableName applies the API model's constraints on a table name.
func checkTableName(name string) error {
	var v shape.Violations
	if name == "" {
		v.Null("tableName")
	} else {
		v.Length("tableName", name, 3, 255)
		v.Pattern("tableName", name, tableNamePattern)
	}
	return v.Err(protocol.Validation)
}

func (t *table) describe(status string, region, account string) *tableDescription {
	d := &tableDescription{
		AttributeDefinitions: t.attrDefs, TableName: t.name, KeySchema: t.keySchema, TableStatus: status,
		CreationDateTime: protocol.Epoch(t.created), TableArn: t.arn, TableId: t.id,
		ProvisionedThroughput:     provisionedDescription{ReadCapacityUnits: t.rcu, WriteCapacityUnits: t.wcu},
		BillingModeSummary:        billingModeSummary{BillingMode: t.billing, LastUpdateToPayPerRequestDateTime: protocol.Epoch(t.billedAt)},
		TableClassSummary:         tableClassSummary{TableClass: t.class},
		DeletionProtectionEnabled: t.protect, OnDemandThroughput: t.onDemand,
		WarmThroughput:      warmOf(t.warm, t.rcu, t.wcu),
		StreamSpecification: t.stream, LatestStreamLabel: t.streamLabel, LatestStreamArn: t.streamARN,
		ItemCount: int64(t.items.len()), TableSizeBytes: t.items.bytes(),
	}
	if t.sse != nil && t.sse.Enabled != nil && *t.sse.Enabled {
		d.SSEDescription = &sseDescription{Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: t.sse.KMSMasterKeyId}
		if d.SSEDescription.KMSMasterKeyArn == "" || !strings.HasPrefix(d.SSEDescription.KMSMasterKeyArn, "arn:") {
			d.SSEDescription.KMSMasterKeyArn = "arn:aws:kms:" + region + ":" + account + ":key/" + kmsKeyID(t.sse.KMSMasterKeyId)
		}
	}
	for _, ix := range t.lsis {
		d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, lsiDescription{IndexName: ix.name,
			KeySchema: ix.keySchema, Projection: &ix.proj, IndexArn: ix.arn,
			ItemCount: int64(ix.items.len()), IndexSizeBytes: ix.items.bytes()})
	}
	for _, ix := range t.gsis {
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, gsiDescription{IndexName: ix.name,
			KeySchema: ix.keySchema, Projection: &ix.proj, IndexStatus: statusActive, IndexArn: ix.arn,
			ProvisionedThroughput: provisionedDescription{ReadCapacityUnits: ix.rcu, WriteCapacityUnits: ix.wcu},
			OnDemandThroughput:    ix.onDemand, WarmThroughput: warmOf(ix.warm, ix.rcu, ix.wcu),
			ItemCount: int64(ix.items.len()), IndexSizeBytes: ix.items.bytes()})
	}
	return d
}

// kmsKeyID stands in for the AWS managed key when SSE names no key or names it by alias.
func kmsKeyID(given string) string {
	if given != "" && !strings.HasPrefix(given, "alias/") {
		return given
	}
	return "00000000-0000-0000-0000-00000000dd00"
}

// warmOf is the warm throughput DynamoDB reports: what was asked for, else the
// defaults, never below the provisioned capacity. Warming is instant here, so ACTIVE.
func warmOf(w *warmThroughput, rcu, wcu int64) warmDescription {
	d := warmDescription{ReadUnitsPerSecond: max(defaultWarmRead, rcu), WriteUnitsPerSecond: max(defaultWarmWrite, wcu),
		Status: statusActive}
	if w != nil && w.ReadUnitsPerSecond != nil {
		d.ReadUnitsPerSecond = *w.ReadUnitsPerSecond
	}
	if w != nil && w.WriteUnitsPerSecond != nil {
		d.WriteUnitsPerSecond = *w.WriteUnitsPerSecond
	}
	return d
}

// index returns the table's index of that name, or nil.
func (t *table) index(name string) *index {
	for _, ix := range slices.Concat(t.gsis, t.lsis) {
		if ix.name == name {
			return ix
		}
	}
	return nil
}
