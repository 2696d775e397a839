package e2e

import (
	"strings"
	"testing"
)

func TestCheckInvokeScope(t *testing.T) {
	const backend = "arn:aws:lambda:us-east-1:123456789012:function:backend"
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"backend and its qualifiers only", `{"Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + backend + `","` + backend + `:*"]},
			{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":"*"}]}`, ""},
		{"any function is refused", `{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`, "want exactly"},
		{"another function is refused", `{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + backend + `","` + backend + `:*","arn:aws:lambda:us-east-1:123456789012:function:other"]}]}`, "want exactly"},
		{"lambda wildcard is refused", `{"Statement":[{"Sid":"All","Effect":"Allow","Action":"lambda:*","Resource":"` + backend + `"}]}`, "wildcard action"},
		{"a full wildcard is refused", `{"Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}]}`, "wildcard action"},
		{"other lambda actions are refused", `{"Statement":[{"Sid":"X","Effect":"Allow","Action":["lambda:InvokeFunction","lambda:UpdateFunctionCode"],"Resource":["` + backend + `","` + backend + `:*"]}]}`, "needs only"},
		{"no invoke permission is refused", `{"Statement":[]}`, "want exactly"},
		{"a deny does not count as a grant", `{"Statement":[{"Effect":"Deny","Action":"lambda:*","Resource":"*"},{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + backend + `","` + backend + `:*"]}]}`, ""},
		{"malformed JSON is an error", `{`, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckInvokeScope(tt.doc, backend)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("want error containing %q, got %v", tt.wantErr, err)
			}
		})
	}
}
