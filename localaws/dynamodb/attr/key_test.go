package attr_test

import (
	"strings"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

var tenantData = attr.KeySchema{
	Partition: attr.KeyAttribute{Name: "tenant_id", Type: attr.TypeS},
	Sort:      attr.KeyAttribute{Name: "sk", Type: attr.TypeB},
}

func TestCheckItemKey(t *testing.T) {
	cases := []struct {
		name string
		item attr.Item
		want string
	}{
		{"complete key", attr.Item{"tenant_id": attr.S("t1"), "sk": attr.B([]byte{1}), "x": attr.S("")}, ""},
		{"missing sort key", attr.Item{"tenant_id": attr.S("t1")}, "One or more parameter values were invalid: Missing the key sk in the item"},
		{"wrong type", attr.Item{"tenant_id": attr.N("1"), "sk": attr.B([]byte{1})}, "One or more parameter values were invalid: Type mismatch for key tenant_id expected: S actual: N"},
		{"empty string key", attr.Item{"tenant_id": attr.S(""), "sk": attr.B([]byte{1})}, "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value. Key: tenant_id"},
		{"empty binary key", attr.Item{"tenant_id": attr.S("t"), "sk": attr.B(nil)}, "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk"},
		{"partition key over 2048 bytes", attr.Item{"tenant_id": attr.S(strings.Repeat("a", 2049)), "sk": attr.B([]byte{1})}, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"sort key over 1024 bytes", attr.Item{"tenant_id": attr.S("t"), "sk": attr.B(make([]byte, 1025))}, "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := attr.CheckItemKey(tc.item, tenantData)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckItemKey = %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("CheckItemKey = %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestCheckKeyWantsExactlyTheKey(t *testing.T) {
	for name, key := range map[string]attr.Item{
		"extra attribute":  {"tenant_id": attr.S("t"), "sk": attr.B([]byte{1}), "x": attr.N("1")},
		"missing sort key": {"tenant_id": attr.S("t")},
		"wrong type":       {"tenant_id": attr.S("t"), "sk": attr.S("x")},
	} {
		if err := attr.CheckKey(key, tenantData); err == nil || err.Error() != "The provided key element does not match the schema" {
			t.Errorf("%s: CheckKey = %v", name, err)
		}
	}
	key := tenantData.KeyOf(attr.Item{"tenant_id": attr.S("t"), "sk": attr.B([]byte{1}), "x": attr.N("1")})
	if err := attr.CheckKey(key, tenantData); err != nil {
		t.Fatalf("CheckKey(KeyOf(item)) = %v", err)
	}
}

func TestCheckUpdatedSizeWordsItForUpdates(t *testing.T) {
	err := attr.CheckUpdatedSize(attr.Item{"a": attr.S(strings.Repeat("x", attr.MaxItemSize))})
	if err == nil || err.Error() != "Item size to update has exceeded the maximum allowed size" {
		t.Fatalf("CheckUpdatedSize = %v", err)
	}
}
