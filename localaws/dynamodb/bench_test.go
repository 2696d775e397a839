package dynamodb_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// BenchmarkPutItem and BenchmarkGetItem measure one request through the real SDK on
// loopback, server and client together, with a 1 KB item in a table of b.N items.
func BenchmarkPutItem(b *testing.B) {
	h := newHarness(b)
	h.createTable("bench", "", "")
	body := s(strings.Repeat("x", 1000))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		_, err := h.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("bench"),
			Item: map[string]types.AttributeValue{"pk": s("tenant-" + strconv.Itoa(i)), "body": body}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetItem(b *testing.B) {
	h := newHarness(b)
	h.createTable("bench", "", "")
	body := s(strings.Repeat("x", 1000))
	const items = 1000
	for i := range items {
		h.put("bench", map[string]types.AttributeValue{"pk": s("tenant-" + strconv.Itoa(i)), "body": body})
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		out, err := h.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("bench"),
			Key: map[string]types.AttributeValue{"pk": s("tenant-" + strconv.Itoa(i%items))}})
		if err != nil || out.Item == nil {
			b.Fatal(err, out)
		}
	}
}
