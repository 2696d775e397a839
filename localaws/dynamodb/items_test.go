package dynamodb_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

func (h *harness) put(table string, item map[string]types.AttributeValue) {
	h.t.Helper()
	_, err := h.client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
	require.NoError(h.t, err)
}

func (h *harness) get(table string, key map[string]types.AttributeValue) map[string]types.AttributeValue {
	h.t.Helper()
	out, err := h.client.GetItem(h.ctx(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key,
		ConsistentRead: aws.Bool(true)})
	require.NoError(h.t, err)
	return out.Item
}

func TestPutGetDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("items", "sk", types.ScalarAttributeTypeN)
	item := map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.50"), "tags": &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
		"doc": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"ok": &types.AttributeValueMemberBOOL{Value: true}}}}
	h.put("items", item)
	assert.Equal(t, item, h.get("items", map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.50")}),
		"numbers come back exactly as written")
	assert.Equal(t, item, h.get("items", map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.5")}),
		"a key number is found by value")
	assert.Nil(t, h.get("items", map[string]types.AttributeValue{"pk": s("a"), "sk": n("2")}))

	out, err := h.client.DeleteItem(h.ctx(), &dynamodb.DeleteItemInput{TableName: aws.String("items"),
		Key: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.5")}, ReturnValues: types.ReturnValueAllOld})
	require.NoError(t, err)
	assert.Equal(t, item, out.Attributes)
	assert.Nil(t, h.get("items", map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.5")}))
	assert.Equal(t, int64(0), aws.ToInt64(h.describe("items").ItemCount))
}

func TestItemRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("strict", "sk", types.ScalarAttributeTypeS)
	big := strings.Repeat("x", 400*1024)
	tests := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"a key with the wrong attribute", func() error {
			_, err := h.client.GetItem(h.ctx(), &dynamodb.GetItemInput{TableName: aws.String("strict"),
				Key: map[string]types.AttributeValue{"pk": s("a"), "other": s("b")}})
			return err
		}, "ValidationException", "The provided key element does not match the schema"},
		{"an item without its sort key", func() error {
			_, err := h.client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String("strict"),
				Item: map[string]types.AttributeValue{"pk": s("a")}})
			return err
		}, "ValidationException", "One or more parameter values were invalid: Missing the key sk in the item"},
		{"a key of the wrong type", func() error {
			_, err := h.client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String("strict"),
				Item: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")}})
			return err
		}, "ValidationException", "One or more parameter values were invalid: Type mismatch for key sk expected: S actual: N"},
		{"an item over 400 KB", func() error {
			_, err := h.client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String("strict"),
				Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("b"), "big": s(big)}})
			return err
		}, "ValidationException", "Item size has exceeded the maximum allowed size"},
		{"a table that does not exist", func() error {
			_, err := h.client.GetItem(h.ctx(), &dynamodb.GetItemInput{TableName: aws.String("absent"),
				Key: map[string]types.AttributeValue{"pk": s("a")}})
			return err
		}, "ResourceNotFoundException", "Requested resource not found"},
		{"return values a put cannot give", func() error {
			_, err := h.client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String("strict"),
				Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("b")}, ReturnValues: types.ReturnValueAllNew})
			return err
		}, "ValidationException", "ReturnValues can only be ALL_OLD or NONE"},
		{"an update of a key attribute", func() error {
			_, err := h.client.UpdateItem(h.ctx(), &dynamodb.UpdateItemInput{TableName: aws.String("strict"),
				Key:              map[string]types.AttributeValue{"pk": s("a"), "sk": s("b")},
				UpdateExpression: aws.String("SET sk = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("c")}})
			return err
		}, "ValidationException", "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireAPIError(t, tc.call(), tc.code, tc.msg)
		})
	}
}

func TestConditionalWrites(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("cond", "", "")
	create := func() error {
		// What aws_dynamodb_table_item sends.
		_, err := h.client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String("cond"),
			Item:                     map[string]types.AttributeValue{"pk": s("a"), "v": n("1")},
			ConditionExpression:      aws.String("attribute_not_exists(#hk)"),
			ExpressionAttributeNames: map[string]string{"#hk": "pk"}})
		return err
	}
	require.NoError(t, create())
	err := create()
	requireAPIError(t, err, "ConditionalCheckFailedException", "The conditional request failed")

	_, err = h.client.UpdateItem(h.ctx(), &dynamodb.UpdateItemInput{TableName: aws.String("cond"),
		Key: map[string]types.AttributeValue{"pk": s("a")}, UpdateExpression: aws.String("SET v = v + :one"),
		ConditionExpression:                 aws.String("v > :one"),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":one": n("1")},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	require.True(t, errors.As(err, &ccf), "%v", err)
	assert.Equal(t, map[string]types.AttributeValue{"pk": s("a"), "v": n("1")}, ccf.Item,
		"the item as it was comes back in the error")
}

func TestUpdateItemReturnValues(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("updated", "", "")
	h.put("updated", map[string]types.AttributeValue{"pk": s("a"), "n": n("1"), "keep": s("k")})
	tests := []struct {
		mode types.ReturnValue
		want map[string]types.AttributeValue
	}{
		{types.ReturnValueNone, nil},
		{types.ReturnValueAllOld, map[string]types.AttributeValue{"pk": s("a"), "n": n("2"), "keep": s("k"), "added": s("x")}},
		{types.ReturnValueUpdatedOld, map[string]types.AttributeValue{"n": n("3"), "added": s("x")}},
		{types.ReturnValueAllNew, map[string]types.AttributeValue{"pk": s("a"), "n": n("5"), "keep": s("k"), "added": s("x")}},
		{types.ReturnValueUpdatedNew, map[string]types.AttributeValue{"n": n("6"), "added": s("x")}},
	}
	// Each update adds one to n, so each mode sees the item the one before it left.
	for _, tc := range tests {
		out, err := h.client.UpdateItem(h.ctx(), &dynamodb.UpdateItemInput{TableName: aws.String("updated"),
			Key: map[string]types.AttributeValue{"pk": s("a")}, UpdateExpression: aws.String("SET added = :x ADD n :one"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":x": s("x"), ":one": n("1")}, ReturnValues: tc.mode})
		require.NoError(t, err, tc.mode)
		assert.Equal(t, tc.want, out.Attributes, tc.mode)
	}
}

func TestUpdateItemLegacyAttributeUpdates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("legacy", "", "")
	h.put("legacy", map[string]types.AttributeValue{"pk": s("a"), "gone": s("x"), "v": s("1")})
	// What aws_dynamodb_table_item sends on update.
	_, err := h.client.UpdateItem(h.ctx(), &dynamodb.UpdateItemInput{TableName: aws.String("legacy"),
		Key: map[string]types.AttributeValue{"pk": s("a")},
		AttributeUpdates: map[string]types.AttributeValueUpdate{
			"v":    {Action: types.AttributeActionPut, Value: s("2")},
			"gone": {Action: types.AttributeActionDelete}}})
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{"pk": s("a"), "v": s("2")}, h.get("legacy", map[string]types.AttributeValue{"pk": s("a")}))
}

func TestGetItemProjection(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("proj", "", "")
	h.put("proj", map[string]types.AttributeValue{"pk": s("a"), "name": s("n"), "secret": s("s")})
	out, err := h.client.GetItem(h.ctx(), &dynamodb.GetItemInput{TableName: aws.String("proj"),
		Key: map[string]types.AttributeValue{"pk": s("a")}, ProjectionExpression: aws.String("#n"),
		ExpressionAttributeNames: map[string]string{"#n": "name"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{"name": s("n")}, out.Item)
}

func TestConsumedCapacity(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("capacity", "", "", withGSI)
	// 5,000 bytes of value: 5 write units, 2 read units strongly consistent.
	item := map[string]types.AttributeValue{"pk": s("a"), "owner": s("o"), "body": s(strings.Repeat("x", 5000-len("pkaownerobody")-1))}
	out, err := h.client.PutItem(h.ctx(), &dynamodb.PutItemInput{TableName: aws.String("capacity"), Item: item,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes})
	require.NoError(t, err)
	c := out.ConsumedCapacity
	require.NotNil(t, c)
	assert.Equal(t, "capacity", aws.ToString(c.TableName))
	assert.Equal(t, 5.0, aws.ToFloat64(c.Table.CapacityUnits))
	assert.Equal(t, 5.0, aws.ToFloat64(c.GlobalSecondaryIndexes["by_owner"].CapacityUnits), "the index holds the whole item")
	assert.Equal(t, 10.0, aws.ToFloat64(c.CapacityUnits))

	for _, tc := range []struct {
		consistent bool
		want       float64
	}{{true, 2}, {false, 1}} {
		got, err := h.client.GetItem(h.ctx(), &dynamodb.GetItemInput{TableName: aws.String("capacity"),
			Key: map[string]types.AttributeValue{"pk": s("a")}, ConsistentRead: aws.Bool(tc.consistent),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		require.NoError(t, err)
		assert.Equal(t, tc.want, aws.ToFloat64(got.ConsumedCapacity.CapacityUnits), "consistent %v", tc.consistent)
	}
	got, err := h.client.GetItem(h.ctx(), &dynamodb.GetItemInput{TableName: aws.String("capacity"),
		Key: map[string]types.AttributeValue{"pk": s("missing")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	require.NoError(t, err)
	assert.Equal(t, 0.5, aws.ToFloat64(got.ConsumedCapacity.CapacityUnits), "a miss costs half a unit eventually consistent")
}

func TestQuery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("queried", "sk", types.ScalarAttributeTypeN, withGSI)
	for i := range 10 {
		h.put("queried", map[string]types.AttributeValue{"pk": s("a"), "sk": n(fmt.Sprint(i)), "owner": s(fmt.Sprint("o", i%2))})
	}
	h.put("queried", map[string]types.AttributeValue{"pk": s("b"), "sk": n("1")})
	query := func(in *dynamodb.QueryInput) *dynamodb.QueryOutput {
		t.Helper()
		in.TableName = aws.String("queried")
		out, err := h.client.Query(h.ctx(), in)
		require.NoError(t, err)
		return out
	}
	sks := func(items []map[string]types.AttributeValue) []string {
		var out []string
		for _, it := range items {
			out = append(out, it["sk"].(*types.AttributeValueMemberN).Value)
		}
		return out
	}
	vals := map[string]types.AttributeValue{":p": s("a"), ":lo": n("2"), ":hi": n("6")}
	out := query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: vals})
	assert.Equal(t, []string{"2", "3", "4", "5", "6"}, sks(out.Items))

	out = query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(false), Limit: aws.Int32(2)})
	assert.Equal(t, []string{"6", "5"}, sks(out.Items))
	require.NotNil(t, out.LastEvaluatedKey)
	out = query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(false), ExclusiveStartKey: out.LastEvaluatedKey})
	assert.Equal(t, []string{"4", "3", "2"}, sks(out.Items), "the next page resumes after the last key")

	out = query(&dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :p"), FilterExpression: aws.String("sk > :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("a"), ":hi": n("6")}, Select: types.SelectCount})
	assert.Equal(t, int32(3), out.Count)
	assert.Equal(t, int32(10), out.ScannedCount, "the filter runs after the read")
	assert.Empty(t, out.Items)

	out = query(&dynamodb.QueryInput{IndexName: aws.String("by_owner"), KeyConditionExpression: aws.String("#o = :o"),
		ExpressionAttributeNames: map[string]string{"#o": "owner"}, ExpressionAttributeValues: map[string]types.AttributeValue{":o": s("o1")}})
	assert.Len(t, out.Items, 5, "the index holds only the items that carry its key")

	_, err := h.client.Query(h.ctx(), &dynamodb.QueryInput{TableName: aws.String("queried"), IndexName: aws.String("by_owner"),
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("a")},
		ConsistentRead: aws.Bool(true)})
	requireAPIError(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")

	_, err = h.client.Query(h.ctx(), &dynamodb.QueryInput{TableName: aws.String("queried"), IndexName: aws.String("nope"),
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("a")}})
	requireAPIError(t, err, "ValidationException", "The table does not have the specified index: nope")
}

func TestQueryPaginatorWalksEveryItemOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("paged", "sk", types.ScalarAttributeTypeS)
	for i := range 25 {
		h.put("paged", map[string]types.AttributeValue{"pk": s("p"), "sk": s(fmt.Sprintf("%03d", i))})
	}
	p := dynamodb.NewQueryPaginator(h.client, &dynamodb.QueryInput{TableName: aws.String("paged"), Limit: aws.Int32(7),
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("p")}})
	seen := 0
	for p.HasMorePages() {
		out, err := p.NextPage(h.ctx())
		require.NoError(t, err)
		seen += len(out.Items)
	}
	assert.Equal(t, 25, seen)
}

func TestScanSegmentsCoverTheTableOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("scan", "", "")
	for i := range 50 {
		h.put("scan", map[string]types.AttributeValue{"pk": s(fmt.Sprint("k", i))})
	}
	seen := map[string]int{}
	for seg := range int32(4) {
		p := dynamodb.NewScanPaginator(h.client, &dynamodb.ScanInput{TableName: aws.String("scan"), Limit: aws.Int32(5),
			Segment: aws.Int32(seg), TotalSegments: aws.Int32(4)})
		for p.HasMorePages() {
			out, err := p.NextPage(h.ctx())
			require.NoError(t, err)
			for _, it := range out.Items {
				seen[it["pk"].(*types.AttributeValueMemberS).Value]++
			}
		}
	}
	assert.Len(t, seen, 50)
	for k, c := range seen {
		assert.Equal(t, 1, c, k)
	}
	_, err := h.client.Scan(h.ctx(), &dynamodb.ScanInput{TableName: aws.String("scan"), Segment: aws.Int32(4), TotalSegments: aws.Int32(4)})
	requireAPIError(t, err, "ValidationException", "")
}

func TestQueryAllAttributesOfAKeysOnlyIndexIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("keysonly", "", "", withGSI, func(in *dynamodb.CreateTableInput) {
		in.GlobalSecondaryIndexes[0].Projection = &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}
	})
	h.put("keysonly", map[string]types.AttributeValue{"pk": s("a"), "owner": s("o"), "other": s("x")})
	in := &dynamodb.QueryInput{TableName: aws.String("keysonly"), IndexName: aws.String("by_owner"),
		KeyConditionExpression: aws.String("#o = :o"), ExpressionAttributeNames: map[string]string{"#o": "owner"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": s("o")}}
	out, err := h.client.Query(h.ctx(), in)
	require.NoError(t, err)
	assert.Equal(t, []map[string]types.AttributeValue{{"pk": s("a"), "owner": s("o")}}, out.Items,
		"the index holds the keys only")
	in.Select = types.SelectAllAttributes
	_, err = h.client.Query(h.ctx(), in)
	requireAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Select type "+
		"ALL_ATTRIBUTES is not supported for global secondary index by_owner because its projection type is not ALL")
}
