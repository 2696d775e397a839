package verdict

import (
	"strings"
	"testing"
)

func TestCheckInvokeScope(t *testing.T) {
	const backend = "arn:aws:lambda:us-east-1:123456789012:function:backend"
	const invokeBackend = `{"Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` +
		backend + `","` + backend + `:*"]}]}`
	tests := []struct {
		name    string
		docs    []string
		wantErr string
	}{
		{"backend and its qualifiers only", []string{`{"Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + backend + `","` + backend + `:*"]},
			{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":"*"}]}`}, ""},
		{"any function is refused", []string{`{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`}, "want exactly"},
		{"another function is refused", []string{`{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + backend + `","` + backend + `:*","arn:aws:lambda:us-east-1:123456789012:function:other"]}]}`}, "want exactly"},
		{"lambda wildcard is refused", []string{`{"Statement":[{"Sid":"All","Effect":"Allow","Action":"lambda:*","Resource":"` + backend + `"}]}`}, "wildcard action"},
		{"a full wildcard is refused", []string{`{"Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}]}`}, "wildcard action"},
		{"other lambda actions are refused", []string{`{"Statement":[{"Sid":"X","Effect":"Allow","Action":["lambda:InvokeFunction","lambda:UpdateFunctionCode"],"Resource":["` + backend + `","` + backend + `:*"]}]}`}, "needs only"},
		{"no invoke permission is refused", []string{`{"Statement":[]}`}, "want exactly"},
		{"no policy at all is refused", nil, "want exactly"},
		{"a deny does not count as a grant", []string{`{"Statement":[{"Effect":"Deny","Action":"lambda:*","Resource":"*"},{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + backend + `","` + backend + `:*"]}]}`}, ""},
		{"malformed JSON is an error", []string{`{`}, "policy 1 is not JSON"},
		{"grants split over two policies are merged", []string{
			`{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"` + backend + `"}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"` + backend + `:*"}]}`}, ""},
		{"a wildcard in a second policy is refused", []string{invokeBackend,
			`{"Statement":[{"Sid":"Extra","Effect":"Allow","Action":"lambda:*","Resource":"*"}]}`}, `statement "Extra" allows the wildcard`},
		{"another function granted by a second policy is refused", []string{invokeBackend,
			`{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:other"}]}`},
			"want exactly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckInvokeScope(backend, tt.docs...)
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
