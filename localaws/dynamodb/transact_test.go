package dynamodb_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTransactWriteAllOrNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("accounts", "", "")
	h.put("accounts", map[string]types.AttributeValue{"pk": s("alice"), "balance": n("10")})
	h.put("accounts", map[string]types.AttributeValue{"pk": s("bob"), "balance": n("0")})
	transfer := func(amount string) error {
		_, err := h.client.TransactWriteItems(h.ctx(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Update: &types.Update{TableName: aws.String("accounts"), Key: map[string]types.AttributeValue{"pk": s("alice")},
				UpdateExpression: aws.String("SET balance = balance - :a"), ConditionExpression: aws.String("balance >= :a"),
				ExpressionAttributeValues:           map[string]types.AttributeValue{":a": n(amount)},
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
			{Update: &types.Update{TableName: aws.String("accounts"), Key: map[string]types.AttributeValue{"pk": s("bob")},
				UpdateExpression: aws.String("SET balance = balance + :a"), ExpressionAttributeValues: map[string]types.AttributeValue{":a": n(amount)}}},
		}})
		return err
	}
	require.NoError(t, transfer("7"))
	err := transfer("7")
	var tce *types.TransactionCanceledException
	require.True(t, errors.As(err, &tce), "%v", err)
	assert.Equal(t, "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]",
		aws.ToString(tce.Message))
	require.Len(t, tce.CancellationReasons, 2)
	assert.Equal(t, "ConditionalCheckFailed", aws.ToString(tce.CancellationReasons[0].Code))
	assert.Equal(t, map[string]types.AttributeValue{"pk": s("alice"), "balance": n("3")}, tce.CancellationReasons[0].Item)
	assert.Equal(t, "None", aws.ToString(tce.CancellationReasons[1].Code))
	assert.Equal(t, n("7"), h.get("accounts", map[string]types.AttributeValue{"pk": s("bob")})["balance"],
		"the cancelled transaction changed nothing")
}

func TestTransactWriteConditionCheckAndToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("orders", "", "")
	h.put("orders", map[string]types.AttributeValue{"pk": s("tenant"), "status": s("ACTIVE")})
	items := func(order string) []types.TransactWriteItem {
		return []types.TransactWriteItem{
			{ConditionCheck: &types.ConditionCheck{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("tenant")},
				ConditionExpression: aws.String("#s = :active"), ExpressionAttributeNames: map[string]string{"#s": "status"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":active": s("ACTIVE")}}},
			{Put: &types.Put{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{"pk": s(order), "n": n("1")}}},
		}
	}
	write := func(token, order string) error {
		_, err := h.client.TransactWriteItems(h.ctx(), &dynamodb.TransactWriteItemsInput{TransactItems: items(order),
			ClientRequestToken: aws.String(token)})
		return err
	}
	require.NoError(t, write("tok-1", "o1"))
	h.put("orders", map[string]types.AttributeValue{"pk": s("o1"), "n": n("2")})
	require.NoError(t, write("tok-1", "o1"), "the same request with the same token succeeds")
	assert.Equal(t, n("2"), h.get("orders", map[string]types.AttributeValue{"pk": s("o1")})["n"], "without writing again")
	requireAPIError(t, write("tok-1", "o2"), "IdempotentParameterMismatchException", "")

	_, err := h.client.TransactWriteItems(h.ctx(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{"pk": s("x")}}},
		{Delete: &types.Delete{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("x")}}},
	}})
	requireAPIError(t, err, "ValidationException", "Transaction request cannot include multiple operations on one item")
}

func TestTransactGetItems(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createTable("reads", "", "")
	h.put("reads", map[string]types.AttributeValue{"pk": s("a"), "v": s("1"), "w": s("2")})
	out, err := h.client.TransactGetItems(h.ctx(), &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("reads"), Key: map[string]types.AttributeValue{"pk": s("a")}, ProjectionExpression: aws.String("v")}},
		{Get: &types.Get{TableName: aws.String("reads"), Key: map[string]types.AttributeValue{"pk": s("missing")}}},
	}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	require.NoError(t, err)
	require.Len(t, out.Responses, 2)
	assert.Equal(t, map[string]types.AttributeValue{"v": s("1")}, out.Responses[0].Item)
	assert.Nil(t, out.Responses[1].Item)
	require.Len(t, out.ConsumedCapacity, 1)
	assert.Equal(t, 4.0, aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits), "two transactional reads of one unit each")
}
