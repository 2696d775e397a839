package dynamodb_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func putRequest(pk string) types.WriteRequest {
	return types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s(pk)}}}
}

func TestBatchWriteThenGet(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("batch-a", "", "")
	h.createTable("batch-b", "", "")
	h.put("batch-b", map[string]types.AttributeValue{"pk": s("doomed")})
	out, err := h.client.BatchWriteItem(h.ctx(), &dynamodb.BatchWriteItemInput{
		RequestItems: map[string][]types.WriteRequest{
			"batch-a": {putRequest("1"), putRequest("2")},
			"batch-b": {{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"pk": s("doomed")}}}},
		}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	require.NoError(t, err)
	assert.Empty(t, out.UnprocessedItems)
	require.Len(t, out.ConsumedCapacity, 2, "one entry per table")

	got, err := h.client.BatchGetItem(h.ctx(), &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"batch-a": {Keys: []map[string]types.AttributeValue{{"pk": s("1")}, {"pk": s("2")}, {"pk": s("3")}}},
		"batch-b": {Keys: []map[string]types.AttributeValue{{"pk": s("doomed")}}},
	}})
	require.NoError(t, err)
	assert.Len(t, got.Responses["batch-a"], 2, "a missing key is left out")
	assert.Empty(t, got.Responses["batch-b"])
	assert.Empty(t, got.UnprocessedKeys)
}

func TestBatchRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("limits", "", "")
	var many []types.WriteRequest
	for i := range 26 {
		many = append(many, putRequest(fmt.Sprint(i)))
	}
	var keys []map[string]types.AttributeValue
	for i := range 101 {
		keys = append(keys, map[string]types.AttributeValue{"pk": s(fmt.Sprint(i))})
	}
	tests := []struct {
		name string
		call func() error
		msg  string
	}{
		{"26 writes", func() error {
			_, err := h.client.BatchWriteItem(h.ctx(), &dynamodb.BatchWriteItemInput{
				RequestItems: map[string][]types.WriteRequest{"limits": many}})
			return err
		}, "Too many items requested for the BatchWriteItem call"},
		{"101 keys", func() error {
			_, err := h.client.BatchGetItem(h.ctx(), &dynamodb.BatchGetItemInput{
				RequestItems: map[string]types.KeysAndAttributes{"limits": {Keys: keys}}})
			return err
		}, "Too many items requested for the BatchGetItem call"},
		{"one key twice", func() error {
			_, err := h.client.BatchWriteItem(h.ctx(), &dynamodb.BatchWriteItemInput{
				RequestItems: map[string][]types.WriteRequest{"limits": {putRequest("x"), putRequest("x")}}})
			return err
		}, "Provided list of item keys contains duplicates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireAPIError(t, tc.call(), "ValidationException", tc.msg)
		})
	}
	out, err := h.client.Scan(h.ctx(), &dynamodb.ScanInput{TableName: aws.String("limits")})
	require.NoError(t, err)
	assert.Zero(t, out.Count, "a refused batch writes nothing")
}
