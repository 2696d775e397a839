package dynamodb_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withGSI adds an index "by_owner" on owner (S), projecting everything.
func withGSI(in *dynamodb.CreateTableInput) {
	in.AttributeDefinitions = append(in.AttributeDefinitions,
		types.AttributeDefinition{AttributeName: aws.String("owner"), AttributeType: types.ScalarAttributeTypeS})
	in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
		IndexName:  aws.String("by_owner"),
		KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("owner"), KeyType: types.KeyTypeHash}},
		Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}})
}

func TestCreateTableDescribesWhatTheProviderReadsBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	created := h.createTable("orders", "sk", types.ScalarAttributeTypeN, withGSI, func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true),
			StreamViewType: types.StreamViewTypeNewAndOldImages}
		in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true)}
		in.DeletionProtectionEnabled = aws.Bool(true)
		in.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}
	})
	assert.Equal(t, types.TableStatusCreating, created.TableStatus, "the create's own answer is CREATING, as in AWS")

	d := h.describe("orders")
	assert.Equal(t, types.TableStatusActive, d.TableStatus)
	assert.Equal(t, tableARNPrefix+"orders", aws.ToString(d.TableArn))
	assert.NotEmpty(t, aws.ToString(d.TableId))
	assert.Equal(t, types.BillingModePayPerRequest, d.BillingModeSummary.BillingMode)
	assert.Equal(t, int64(0), aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits))
	assert.Equal(t, int64(0), aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits))
	assert.Equal(t, []string{"pk:S", "sk:N", "owner:S"}, defs(d.AttributeDefinitions), "echoed in the order given")
	assert.Equal(t, []string{"pk:HASH", "sk:RANGE"}, keys(d.KeySchema))
	require.NotNil(t, d.WarmThroughput)
	assert.Equal(t, types.TableStatusActive, d.WarmThroughput.Status)
	assert.Equal(t, int64(12000), aws.ToInt64(d.WarmThroughput.ReadUnitsPerSecond))
	assert.Equal(t, int64(4000), aws.ToInt64(d.WarmThroughput.WriteUnitsPerSecond))
	require.Len(t, d.GlobalSecondaryIndexes, 1)
	gsi := d.GlobalSecondaryIndexes[0]
	assert.Equal(t, types.IndexStatusActive, gsi.IndexStatus)
	assert.Equal(t, tableARNPrefix+"orders/index/by_owner", aws.ToString(gsi.IndexArn))
	assert.Equal(t, types.IndexStatusActive, gsi.WarmThroughput.Status)
	assert.Equal(t, types.ProjectionTypeAll, gsi.Projection.ProjectionType)
	assert.True(t, aws.ToBool(d.StreamSpecification.StreamEnabled))
	assert.Equal(t, types.StreamViewTypeNewAndOldImages, d.StreamSpecification.StreamViewType)
	assert.Equal(t, tableARNPrefix+"orders/stream/"+aws.ToString(d.LatestStreamLabel), aws.ToString(d.LatestStreamArn))
	require.NotNil(t, d.SSEDescription)
	assert.Equal(t, types.SSEStatusEnabled, d.SSEDescription.Status)
	assert.Equal(t, types.SSETypeKms, d.SSEDescription.SSEType)
	assert.True(t, strings.HasPrefix(aws.ToString(d.SSEDescription.KMSMasterKeyArn), "arn:aws:kms:us-east-1:"))
	assert.True(t, aws.ToBool(d.DeletionProtectionEnabled))
	assert.Equal(t, types.TableClassStandard, d.TableClassSummary.TableClass)
	assert.Nil(t, d.OnDemandThroughput, "only echoed when asked for: the provider does not compute it")
	assert.Equal(t, int64(0), aws.ToInt64(d.ItemCount))
}

func TestPlainTableHasNoSSEOrStream(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("plain", "", "")
	d := h.describe("plain")
	assert.Nil(t, d.SSEDescription, "a description makes the provider look up the default KMS key")
	assert.Nil(t, d.StreamSpecification)
	assert.Empty(t, aws.ToString(d.LatestStreamArn))
	assert.False(t, aws.ToBool(d.DeletionProtectionEnabled))
}

func TestTableExistsWaiterPasses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("waited", "", "")
	w := dynamodb.NewTableExistsWaiter(h.client, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = time.Millisecond })
	require.NoError(t, w.Wait(h.ctx(), &dynamodb.DescribeTableInput{TableName: aws.String("waited")}, 5*time.Second))
}

func TestCreateTableRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("taken", "", "")
	def := func(name string, typ types.ScalarAttributeType) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: typ}
	}
	key := func(name string, typ types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: typ}
	}
	tests := []struct {
		name      string
		edit      func(*dynamodb.CreateTableInput)
		code, msg string
	}{
		{"a name under three characters", func(in *dynamodb.CreateTableInput) { in.TableName = aws.String("ab") },
			"ValidationException", "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy " +
				"constraint: Member must have length greater than or equal to 3"},
		{"a name with a space", func(in *dynamodb.CreateTableInput) { in.TableName = aws.String("my table") },
			"ValidationException", "1 validation error detected: Value 'my table' at 'tableName' failed to satisfy " +
				"constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"a key attribute without a definition", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{def("id", types.ScalarAttributeTypeS)}
		}, "ValidationException", "One or more parameter values were invalid: Some index key attributes are not " +
			"defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [id]"},
		{"a definition no key uses", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, def("extra", types.ScalarAttributeTypeS))
		}, "ValidationException", "One or more parameter values were invalid: Number of attributes in KeySchema " +
			"does not exactly match number of attributes defined in AttributeDefinitions"},
		{"a range key first", func(in *dynamodb.CreateTableInput) {
			in.KeySchema = []types.KeySchemaElement{key("pk", types.KeyTypeRange)}
		}, "ValidationException", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"provisioned billing without capacity", func(in *dynamodb.CreateTableInput) {
			in.BillingMode = types.BillingModeProvisioned
		}, "ValidationException", "One or more parameter values were invalid: ReadCapacityUnits and " +
			"WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"on-demand billing with capacity", func(in *dynamodb.CreateTableInput) {
			in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1),
				WriteCapacityUnits: aws.Int64(1)}
		}, "ValidationException", "One or more parameter values were invalid: Neither ReadCapacityUnits nor " +
			"WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"a local index on a table without a sort key", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, def("at", types.ScalarAttributeTypeN))
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("by_at"),
				KeySchema:  []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("at", types.KeyTypeRange)},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}
		}, "ValidationException", "One or more parameter values were invalid: Table KeySchema does not have a " +
			"range key, which is required when specifying a LocalSecondaryIndex"},
		{"an included projection without attributes", func(in *dynamodb.CreateTableInput) {
			withGSI(in)
			in.GlobalSecondaryIndexes[0].Projection = &types.Projection{ProjectionType: types.ProjectionTypeInclude}
		}, "ValidationException", "One or more parameter values were invalid: ProjectionType is INCLUDE, but " +
			"NonKeyAttributes is not specified"},
		{"two indexes of one name", func(in *dynamodb.CreateTableInput) {
			withGSI(in)
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, in.GlobalSecondaryIndexes[0])
		}, "ValidationException", "One or more parameter values were invalid: Duplicate index name: by_owner"},
		{"a name already taken", func(in *dynamodb.CreateTableInput) { in.TableName = aws.String("taken") },
			"ResourceInUseException", "Table already exists: taken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &dynamodb.CreateTableInput{TableName: aws.String("fresh"), BillingMode: types.BillingModePayPerRequest,
				AttributeDefinitions: []types.AttributeDefinition{def("pk", types.ScalarAttributeTypeS)},
				KeySchema:            []types.KeySchemaElement{key("pk", types.KeyTypeHash)}}
			tc.edit(in)
			_, err := h.client.CreateTable(h.ctx(), in)
			requireAPIError(t, err, tc.code, tc.msg)
		})
	}
	_, err := h.client.DescribeTable(h.ctx(), &dynamodb.DescribeTableInput{TableName: aws.String("fresh")})
	requireAPIError(t, err, "ResourceNotFoundException", "")
}

func TestDeleteTable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, err := h.client.DeleteTable(h.ctx(), &dynamodb.DeleteTableInput{TableName: aws.String("missing")})
	requireAPIError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: missing not found")

	h.createTable("guarded", "", "", func(in *dynamodb.CreateTableInput) { in.DeletionProtectionEnabled = aws.Bool(true) })
	_, err = h.client.DeleteTable(h.ctx(), &dynamodb.DeleteTableInput{TableName: aws.String("guarded")})
	requireAPIError(t, err, "ValidationException", "Resource cannot be deleted as it is currently protected "+
		"against deletion. Disable deletion protection first.")

	_, err = h.client.UpdateTable(h.ctx(), &dynamodb.UpdateTableInput{TableName: aws.String("guarded"),
		DeletionProtectionEnabled: aws.Bool(false)})
	require.NoError(t, err)
	out, err := h.client.DeleteTable(h.ctx(), &dynamodb.DeleteTableInput{TableName: aws.String(tableARNPrefix + "guarded")})
	require.NoError(t, err, "a table ARN names the table too")
	assert.Equal(t, types.TableStatusDeleting, out.TableDescription.TableStatus)
	w := dynamodb.NewTableNotExistsWaiter(h.client, func(o *dynamodb.TableNotExistsWaiterOptions) { o.MinDelay = time.Millisecond })
	require.NoError(t, w.Wait(h.ctx(), &dynamodb.DescribeTableInput{TableName: aws.String("guarded")}, 5*time.Second))
}

func TestListTablesPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var want []string
	for i := range 5 {
		name := fmt.Sprintf("table-%d", i)
		h.createTable(name, "", "")
		want = append(want, name)
	}
	var got []string
	p := dynamodb.NewListTablesPaginator(h.client, &dynamodb.ListTablesInput{Limit: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(h.ctx())
		require.NoError(t, err)
		got, pages = append(got, out.TableNames...), pages+1
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 3, pages)

	_, err := h.client.ListTables(h.ctx(), &dynamodb.ListTablesInput{Limit: aws.Int32(101)})
	requireAPIError(t, err, "ValidationException", "1 validation error detected: Value '101' at 'limit' failed to "+
		"satisfy constraint: Member must have value less than or equal to 100")
}

func TestTimeToLive(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("ttl", "", "")
	ttl := func() *types.TimeToLiveDescription {
		out, err := h.client.DescribeTimeToLive(h.ctx(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("ttl")})
		require.NoError(t, err)
		return out.TimeToLiveDescription
	}
	assert.Equal(t, types.TimeToLiveStatusDisabled, ttl().TimeToLiveStatus)
	update := func(on bool) error {
		_, err := h.client.UpdateTimeToLive(h.ctx(), &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("ttl"),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("expires"), Enabled: aws.Bool(on)}})
		return err
	}
	require.NoError(t, update(true))
	assert.Equal(t, types.TimeToLiveStatusEnabled, ttl().TimeToLiveStatus)
	assert.Equal(t, "expires", aws.ToString(ttl().AttributeName))
	requireAPIError(t, update(true), "ValidationException", "TimeToLive is already enabled")
	require.NoError(t, update(false))
	assert.Equal(t, types.TimeToLiveStatusDisabled, ttl().TimeToLiveStatus)

	_, err := h.client.DescribeTimeToLive(h.ctx(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("nope")})
	requireAPIError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nope not found")
}

func TestPointInTimeRecovery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("pitr", "", "")
	pitr := func() *types.PointInTimeRecoveryDescription {
		out, err := h.client.DescribeContinuousBackups(h.ctx(),
			&dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("pitr")})
		require.NoError(t, err)
		assert.Equal(t, types.ContinuousBackupsStatusEnabled, out.ContinuousBackupsDescription.ContinuousBackupsStatus)
		return out.ContinuousBackupsDescription.PointInTimeRecoveryDescription
	}
	assert.Equal(t, types.PointInTimeRecoveryStatusDisabled, pitr().PointInTimeRecoveryStatus)
	_, err := h.client.UpdateContinuousBackups(h.ctx(), &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("pitr"),
		PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}})
	require.NoError(t, err)
	assert.Equal(t, types.PointInTimeRecoveryStatusEnabled, pitr().PointInTimeRecoveryStatus)
	assert.Equal(t, int32(35), aws.ToInt32(pitr().RecoveryPeriodInDays), "AWS's default period")

	_, err = h.client.DescribeContinuousBackups(h.ctx(), &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("nope")})
	requireAPIError(t, err, "TableNotFoundException", "Table not found: nope")
}

func TestTags(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := aws.ToString(h.createTable("tagged", "", "", func(in *dynamodb.CreateTableInput) {
		in.Tags = []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}
	}).TableArn)
	list := func() map[string]string {
		out, err := h.client.ListTagsOfResource(h.ctx(), &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)})
		require.NoError(t, err)
		m := map[string]string{}
		for _, tg := range out.Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	assert.Equal(t, map[string]string{"a": "1"}, list())
	_, err := h.client.TagResource(h.ctx(), &dynamodb.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("3")}}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "3", "b": "2"}, list())
	_, err = h.client.UntagResource(h.ctx(), &dynamodb.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "2"}, list())

	_, err = h.client.TagResource(h.ctx(), &dynamodb.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}})
	requireAPIError(t, err, "ValidationException", "User-defined tag keys can not start with aws:")
	_, err = h.client.ListTagsOfResource(h.ctx(), &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(tableARNPrefix + "gone")})
	requireAPIError(t, err, "ResourceNotFoundException", "")
}

func TestUpdateTable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("evolving", "", "")
	update := func(in *dynamodb.UpdateTableInput) *types.TableDescription {
		t.Helper()
		in.TableName = aws.String("evolving")
		out, err := h.client.UpdateTable(h.ctx(), in)
		require.NoError(t, err)
		assert.Equal(t, types.TableStatusUpdating, out.TableDescription.TableStatus)
		return h.describe("evolving")
	}

	d := update(&dynamodb.UpdateTableInput{BillingMode: types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(3)}})
	assert.Equal(t, types.BillingModeProvisioned, d.BillingModeSummary.BillingMode)
	assert.Equal(t, int64(5), aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits))

	d = update(&dynamodb.UpdateTableInput{
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("owner"), AttributeType: types.ScalarAttributeTypeS}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName:             aws.String("by_owner"),
			KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("owner"), KeyType: types.KeyTypeHash}},
			Projection:            &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}}}}})
	assert.Equal(t, []string{"pk:S", "owner:S"}, defs(d.AttributeDefinitions))
	require.Len(t, d.GlobalSecondaryIndexes, 1)

	d = update(&dynamodb.UpdateTableInput{StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true),
		StreamViewType: types.StreamViewTypeKeysOnly}})
	require.NotNil(t, d.StreamSpecification)
	_, err := h.client.UpdateTable(h.ctx(), &dynamodb.UpdateTableInput{TableName: aws.String("evolving"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage}})
	requireAPIError(t, err, "ValidationException", "Table already has an enabled stream: "+aws.ToString(d.LatestStreamArn))
	d = update(&dynamodb.UpdateTableInput{StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}})
	assert.Nil(t, d.StreamSpecification)
	assert.NotEmpty(t, aws.ToString(d.LatestStreamArn), "the last stream's ARN stays, as in AWS")

	d = update(&dynamodb.UpdateTableInput{BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{
			IndexName: aws.String("by_owner")}}}})
	assert.Empty(t, d.GlobalSecondaryIndexes)
	assert.Equal(t, []string{"pk:S"}, defs(d.AttributeDefinitions), "a definition no key uses any more goes")
	assert.Equal(t, int64(0), aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits))

	_, err = h.client.UpdateTable(h.ctx(), &dynamodb.UpdateTableInput{TableName: aws.String("evolving")})
	requireAPIError(t, err, "ValidationException", "")
}

func TestDescribeLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	out, err := h.client.DescribeLimits(h.ctx(), &dynamodb.DescribeLimitsInput{})
	require.NoError(t, err)
	assert.Equal(t, int64(40000), aws.ToInt64(out.TableMaxReadCapacityUnits))
}

func defs(ds []types.AttributeDefinition) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = aws.ToString(d.AttributeName) + ":" + string(d.AttributeType)
	}
	return out
}

func keys(ks []types.KeySchemaElement) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = aws.ToString(k.AttributeName) + ":" + string(k.KeyType)
	}
	return out
}
