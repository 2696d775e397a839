package dynamodb

import "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"

// The control plane's wire shapes, named as in the DynamoDB API reference. Members the
// provider compares are echoed exactly as they came in.

type attributeDefinition struct {
	AttributeName string
	AttributeType string
}

type keySchemaElement struct {
	AttributeName string
	KeyType       string
}

type projection struct {
	ProjectionType   string   `json:",omitempty"`
	NonKeyAttributes []string `json:",omitempty"`
}

type provisionedThroughput struct {
	ReadCapacityUnits  *int64
	WriteCapacityUnits *int64
}

type onDemandThroughput struct {
	MaxReadRequestUnits  *int64 `json:",omitempty"`
	MaxWriteRequestUnits *int64 `json:",omitempty"`
}

type warmThroughput struct {
	ReadUnitsPerSecond  *int64 `json:",omitempty"`
	WriteUnitsPerSecond *int64 `json:",omitempty"`
}

type streamSpecification struct {
	StreamEnabled  *bool
	StreamViewType string `json:",omitempty"`
}

type sseSpecification struct {
	Enabled        *bool
	SSEType        string
	KMSMasterKeyId string
}

type tag struct {
	Key   string
	Value string
}

type globalSecondaryIndex struct {
	IndexName             string
	KeySchema             []keySchemaElement
	Projection            *projection
	ProvisionedThroughput *provisionedThroughput
	OnDemandThroughput    *onDemandThroughput
	WarmThroughput        *warmThroughput
}

type localSecondaryIndex struct {
	IndexName  string
	KeySchema  []keySchemaElement
	Projection *projection
}

type createTableInput struct {
	TableName                 string
	AttributeDefinitions      []attributeDefinition
	KeySchema                 []keySchemaElement
	LocalSecondaryIndexes     []localSecondaryIndex
	GlobalSecondaryIndexes    []globalSecondaryIndex
	BillingMode               string
	ProvisionedThroughput     *provisionedThroughput
	StreamSpecification       *streamSpecification
	SSESpecification          *sseSpecification
	Tags                      []tag
	TableClass                string
	DeletionProtectionEnabled *bool
	OnDemandThroughput        *onDemandThroughput
	WarmThroughput            *warmThroughput
	ResourcePolicy            string
}

type tableNameInput struct {
	TableName string
}

// gsiUpdate is one entry of UpdateTable's GlobalSecondaryIndexUpdates.
type gsiUpdate struct {
	Create *globalSecondaryIndex
	Update *struct {
		IndexName             string
		ProvisionedThroughput *provisionedThroughput
		OnDemandThroughput    *onDemandThroughput
		WarmThroughput        *warmThroughput
	}
	Delete *struct{ IndexName string }
}

type updateTableInput struct {
	TableName                   string
	AttributeDefinitions        []attributeDefinition
	BillingMode                 string
	ProvisionedThroughput       *provisionedThroughput
	GlobalSecondaryIndexUpdates []gsiUpdate
	StreamSpecification         *streamSpecification
	SSESpecification            *sseSpecification
	TableClass                  string
	DeletionProtectionEnabled   *bool
	OnDemandThroughput          *onDemandThroughput
	WarmThroughput              *warmThroughput
	ReplicaUpdates              []any
}

type provisionedDescription struct {
	NumberOfDecreasesToday int64
	ReadCapacityUnits      int64
	WriteCapacityUnits     int64
}

type warmDescription struct {
	ReadUnitsPerSecond  int64
	WriteUnitsPerSecond int64
	Status              string
}

type billingModeSummary struct {
	BillingMode                       string
	LastUpdateToPayPerRequestDateTime *protocol.EpochSeconds `json:",omitempty"`
}

type sseDescription struct {
	Status          string
	SSEType         string
	KMSMasterKeyArn string `json:",omitempty"`
}

type tableClassSummary struct {
	TableClass string
}

type gsiDescription struct {
	IndexName             string
	KeySchema             []keySchemaElement
	Projection            *projection
	IndexStatus           string
	Backfilling           bool
	ProvisionedThroughput provisionedDescription
	IndexSizeBytes        int64
	ItemCount             int64
	IndexArn              string
	OnDemandThroughput    *onDemandThroughput `json:",omitempty"`
	WarmThroughput        warmDescription
}

type lsiDescription struct {
	IndexName      string
	KeySchema      []keySchemaElement
	Projection     *projection
	IndexSizeBytes int64
	ItemCount      int64
	IndexArn       string
}

type tableDescription struct {
	AttributeDefinitions      []attributeDefinition
	TableName                 string
	KeySchema                 []keySchemaElement
	TableStatus               string
	CreationDateTime          *protocol.EpochSeconds
	ProvisionedThroughput     provisionedDescription
	TableSizeBytes            int64
	ItemCount                 int64
	TableArn                  string
	TableId                   string
	BillingModeSummary        billingModeSummary
	LocalSecondaryIndexes     []lsiDescription     `json:",omitempty"`
	GlobalSecondaryIndexes    []gsiDescription     `json:",omitempty"`
	StreamSpecification       *streamSpecification `json:",omitempty"`
	LatestStreamLabel         string               `json:",omitempty"`
	LatestStreamArn           string               `json:",omitempty"`
	SSEDescription            *sseDescription      `json:",omitempty"`
	TableClassSummary         tableClassSummary
	DeletionProtectionEnabled bool
	OnDemandThroughput        *onDemandThroughput `json:",omitempty"`
	WarmThroughput            warmDescription
}

type tableOutput struct {
	TableDescription *tableDescription
}

type describeTableOutput struct {
	Table *tableDescription
}

type listTablesInput struct {
	ExclusiveStartTableName string
	Limit                   *int32
}

type listTablesOutput struct {
	TableNames             []string
	LastEvaluatedTableName *string `json:",omitempty"`
}
