package expr_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// item decodes a wire-form item, as a request carries it.
func item(t testing.TB, wire string) attr.Item {
	t.Helper()
	var it attr.Item
	if err := json.Unmarshal([]byte(wire), &it); err != nil {
		t.Fatalf("item %s: %v", wire, err)
	}
	return it
}

// names decodes ExpressionAttributeNames; "" is an absent parameter.
func names(t testing.TB, wire string) map[string]string {
	t.Helper()
	if wire == "" {
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(wire), &m); err != nil {
		t.Fatalf("names %s: %v", wire, err)
	}
	return m
}

// values decodes ExpressionAttributeValues; "" is an absent parameter.
func values(t testing.TB, wire string) attr.Item {
	t.Helper()
	if wire == "" {
		return nil
	}
	return item(t, wire)
}

// wantMessage fails unless err is a *attr.ValidationError with exactly msg.
func wantMessage(t testing.TB, err error, msg string) {
	t.Helper()
	var verr *attr.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v (%T), want *attr.ValidationError %q", err, err, msg)
	}
	if verr.Message != msg {
		t.Fatalf("message = %q\nwant      %q", verr.Message, msg)
	}
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
