package tenant

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strAttr(v string) events.SQSMessageAttribute {
	return events.SQSMessageAttribute{DataType: "String", StringValue: &v}
}

func attrs(kv ...string) map[string]events.SQSMessageAttribute {
	m := map[string]events.SQSMessageAttribute{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = strAttr(kv[i+1])
	}
	return m
}

var (
	attrRule  = Rule{Type: RuleMessageAttribute, Name: "tenantId"}
	groupRule = Rule{Type: RuleMessageGroupID}
	bodyRule  = Rule{Type: RuleBodyPointer, Pointer: "/tenantId"}
	eventRule = Rule{Type: RuleEventPointer, Pointer: "/detail/tenantId"}
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name    string
		rules   []Rule
		known   []string
		pattern string
		idCase  Case
		maxBody int
		in      Input
		want    string
		reason  Reason
		detail  string
	}{
		{name: "attribute gives the tenant", rules: []Rule{attrRule},
			in: Input{Attributes: attrs("tenantId", "acme")}, want: "acme"},
		{name: "message group id gives the tenant", rules: []Rule{groupRule},
			in: Input{GroupID: "acme"}, want: "acme"},
		{name: "body pointer gives the tenant", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":"acme","n":1}`}, want: "acme"},
		{name: "event pointer gives the tenant", rules: []Rule{eventRule},
			in: Input{Body: `{"id":"1","detail-type":"order","detail":{"tenantId":"acme"}}`}, want: "acme"},
		{name: "number attribute is read as its digits", rules: []Rule{attrRule},
			in: Input{Attributes: map[string]events.SQSMessageAttribute{
				"tenantId": {DataType: "Number", StringValue: new("42")}}}, want: "42"},
		{name: "custom string attribute type is read", rules: []Rule{attrRule},
			in: Input{Attributes: map[string]events.SQSMessageAttribute{
				"tenantId": {DataType: "String.tenant", StringValue: new("acme")}}}, want: "acme"},
		{name: "matching attribute and body agree", rules: []Rule{attrRule, bodyRule},
			in: Input{Attributes: attrs("tenantId", "acme"), Body: `{"tenantId":"acme"}`}, want: "acme"},
		{name: "rule that finds nothing is skipped", rules: []Rule{attrRule, bodyRule},
			in: Input{Body: `{"tenantId":"acme"}`}, want: "acme"},
		{name: "group id and attribute agree", rules: []Rule{groupRule, attrRule},
			in: Input{GroupID: "acme", Attributes: attrs("tenantId", "acme")}, want: "acme"},

		{name: "no rule finds a value", rules: []Rule{attrRule, bodyRule},
			in: Input{Attributes: attrs("other", "x"), Body: `{"x":1}`}, reason: ReasonMissing,
			detail: `message_attribute "tenantId", body_pointer "/tenantId"`},
		{name: "empty group id is missing", rules: []Rule{groupRule}, in: Input{}, reason: ReasonMissing},
		{name: "without a required rule the body alone decides", rules: []Rule{attrRule, bodyRule},
			in: Input{Body: `{"tenantId":"acme"}`}, want: "acme"},
		{name: "required attribute missing is missing even when the body has a tenant",
			rules: []Rule{{Type: RuleMessageAttribute, Name: "tenantId", Required: true}, bodyRule},
			in:    Input{Body: `{"tenantId":"acme"}`}, reason: ReasonMissing,
			detail: `required rule message_attribute "tenantId" found no tenant ID`},
		{name: "required attribute present routes with the body agreeing",
			rules: []Rule{{Type: RuleMessageAttribute, Name: "tenantId", Required: true}, bodyRule},
			in:    Input{Attributes: attrs("tenantId", "acme"), Body: `{"tenantId":"acme"}`}, want: "acme"},
		{name: "required attribute present routes without the body",
			rules: []Rule{{Type: RuleMessageAttribute, Name: "tenantId", Required: true}, bodyRule},
			in:    Input{Attributes: attrs("tenantId", "acme"), Body: `{}`}, want: "acme"},
		{name: "upper-case variant is invalid by default", rules: []Rule{attrRule},
			in: Input{Attributes: attrs("tenantId", "ACME")}, reason: ReasonInvalid, detail: "tenant_id_case lower"},
		{name: "upper-case tenant routes when case is preserved", rules: []Rule{attrRule}, idCase: CasePreserve,
			in: Input{Attributes: attrs("tenantId", "ACME")}, want: "ACME"},
		{name: "empty attribute value is invalid", rules: []Rule{attrRule},
			in: Input{Attributes: attrs("tenantId", "")}, reason: ReasonInvalid, detail: "empty"},
		{name: "empty body string is invalid", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":""}`}, reason: ReasonInvalid, detail: "empty"},
		{name: "binary attribute is invalid", rules: []Rule{attrRule},
			in: Input{Attributes: map[string]events.SQSMessageAttribute{
				"tenantId": {DataType: "Binary", BinaryValue: []byte("acme")}}}, reason: ReasonInvalid,
			detail: "data type"},
		{name: "attribute without a string value is invalid", rules: []Rule{attrRule},
			in:     Input{Attributes: map[string]events.SQSMessageAttribute{"tenantId": {DataType: "String"}}},
			reason: ReasonInvalid},
		{name: "257 character attribute is invalid", rules: []Rule{attrRule},
			in: Input{Attributes: attrs("tenantId", strings.Repeat("a", 257))}, reason: ReasonInvalid,
			detail: "257 bytes"},
		{name: "cyrillic look-alike in the attribute is invalid", rules: []Rule{attrRule},
			in: Input{Attributes: attrs("tenantId", "\u0430cme")}, reason: ReasonInvalid, detail: "U+0430"},
		{name: "fullwidth look-alike in the body is invalid", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":"ａcme"}`}, reason: ReasonInvalid, detail: "U+FF41"},
		{name: "escaped look-alike in the body is invalid", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":"\u0430cme"}`}, reason: ReasonInvalid, detail: "U+0430"},
		{name: "escaped nul in the body is invalid", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":"acme\u0000"}`}, reason: ReasonInvalid, detail: "U+0000"},
		{name: "escaped newline in the body is invalid", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":"acme\nx"}`}, reason: ReasonInvalid, detail: "U+000A"},
		{name: "control character in the group id is invalid", rules: []Rule{groupRule},
			in: Input{GroupID: "acme\x1b[31m"}, reason: ReasonInvalid, detail: "U+001B"},
		{name: "invalid utf-8 in the attribute is invalid", rules: []Rule{attrRule},
			in: Input{Attributes: attrs("tenantId", "ac\xffme")}, reason: ReasonInvalid, detail: "UTF-8"},
		{name: "nested object where a string belongs is malformed", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":{"id":"acme"}}`}, reason: ReasonMalformed, detail: "value is an object"},
		{name: "number where a string belongs is malformed", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":7}`}, reason: ReasonMalformed, detail: "value is a number"},
		{name: "array where a string belongs is malformed", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":["acme"]}`}, reason: ReasonMalformed, detail: "value is an array"},
		{name: "null where a string belongs is malformed", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":null}`}, reason: ReasonMalformed, detail: "value is null"},
		{name: "duplicate body keys are malformed", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":"acme","tenantId":"globex"}`}, reason: ReasonMalformed,
			detail: `body_pointer "/tenantId": duplicate key`},
		{name: "duplicate event detail keys are malformed", rules: []Rule{eventRule},
			in: Input{Body: `{"detail":{"tenantId":"acme","tenantId":"globex"}}`}, reason: ReasonMalformed},
		{name: "case-variant body key is malformed", rules: []Rule{bodyRule},
			in: Input{Body: `{"tenantId":"acme","tenantid":"globex"}`}, reason: ReasonMalformed},
		{name: "body that is not json is malformed", rules: []Rule{attrRule, bodyRule},
			in: Input{Attributes: attrs("tenantId", "acme"), Body: "tenantId=acme"}, reason: ReasonMalformed},
		{name: "invalid utf-8 body is malformed", rules: []Rule{bodyRule},
			in: Input{Body: "{\"tenantId\":\"acme\",\"x\":\"\xfe\"}"}, reason: ReasonMalformed, detail: "UTF-8"},
		{name: "huge body is too large", rules: []Rule{bodyRule}, maxBody: 1024,
			in: Input{Body: `{"tenantId":"acme","pad":"` + strings.Repeat("x", 2000) + `"}`}, reason: ReasonTooLarge,
			detail: "2028 bytes"},
		{name: "huge body is fine without pointer rules", rules: []Rule{attrRule}, maxBody: 1024,
			in: Input{Attributes: attrs("tenantId", "acme"), Body: strings.Repeat("x", 2000)}, want: "acme"},
		{name: "deeply nested body is malformed", rules: []Rule{bodyRule},
			in: Input{Body: strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000)}, reason: ReasonMalformed,
			detail: "nesting"},

		{name: "mismatched attribute and body is a spoof", rules: []Rule{attrRule, bodyRule},
			in: Input{Attributes: attrs("tenantId", "acme"), Body: `{"tenantId":"globex"}`}, reason: ReasonMismatch,
			detail: `message_attribute "tenantId" found "acme" but body_pointer "/tenantId" found "globex"`},
		{name: "mismatched group id and attribute is a spoof", rules: []Rule{groupRule, attrRule},
			in: Input{GroupID: "acme", Attributes: attrs("tenantId", "globex")}, reason: ReasonMismatch},
		{name: "ids differing only in case are a spoof", rules: []Rule{attrRule, bodyRule}, idCase: CasePreserve,
			in: Input{Attributes: attrs("tenantId", "acme"), Body: `{"tenantId":"ACME"}`}, reason: ReasonMismatch},
		{name: "invalid second value is invalid before mismatch", rules: []Rule{attrRule, bodyRule},
			in: Input{Attributes: attrs("tenantId", "acme"), Body: `{"tenantId":"ac me"}`}, reason: ReasonInvalid},
		{name: "unknown tenant", rules: []Rule{attrRule}, known: []string{"acme"},
			in: Input{Attributes: attrs("tenantId", "globex")}, reason: ReasonUnknown},
		{name: "known tenant", rules: []Rule{attrRule}, known: []string{"acme", "globex"},
			in: Input{Attributes: attrs("tenantId", "globex")}, want: "globex"},
		{name: "pattern refuses an id aws allows", rules: []Rule{attrRule},
			in: Input{Attributes: attrs("tenantId", "acme:corp")}, reason: ReasonInvalid, detail: "tenant pattern"},
		{name: "custom pattern allows what the default refuses", rules: []Rule{attrRule}, pattern: `[a-z]+:[a-z]+`,
			in: Input{Attributes: attrs("tenantId", "acme:corp")}, want: "acme:corp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var re *regexp.Regexp
			if tt.pattern != "" {
				re = regexp.MustCompile(tt.pattern)
			}
			c, err := NewChecker(re, tt.known, tt.idCase)
			require.NoError(t, err)
			e, err := NewExtractor(tt.rules, c, Options{MaxBodyBytes: tt.maxBody})
			require.NoError(t, err)
			got, err := e.Extract(tt.in)
			if tt.reason == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			rej, ok := AsRejection(err)
			require.True(t, ok, "want a *Rejection, got %v", err)
			assert.Equal(t, tt.reason, rej.Reason, rej.Detail)
			assert.Contains(t, rej.Detail, tt.detail)
			assert.Empty(t, got)
			assert.LessOrEqual(t, len(rej.Detail), 512, "a detail must stay short")
		})
	}
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		err  string
	}{
		{name: "attribute rule is valid", rule: attrRule},
		{name: "group id rule is valid", rule: groupRule},
		{name: "body pointer rule is valid", rule: bodyRule},
		{name: "event pointer rule is valid", rule: eventRule},
		{name: "unknown type names the choices", rule: Rule{Type: "foo"},
			err: `rule type "foo" unknown; use message_attribute, message_group_id, body_pointer or event_pointer`},
		{name: "missing type names the choices", rule: Rule{Name: "x"}, err: `rule has no "type"`},
		{name: "attribute rule needs a name", rule: Rule{Type: RuleMessageAttribute}, err: `needs "name"`},
		{name: "attribute rule takes no pointer", rule: Rule{Type: RuleMessageAttribute, Name: "a", Pointer: "/a"},
			err: `not "pointer"`},
		{name: "group id rule takes nothing", rule: Rule{Type: RuleMessageGroupID, Name: "x"}, err: "takes no"},
		{name: "pointer rule needs a pointer", rule: Rule{Type: RuleBodyPointer}, err: `needs "pointer"`},
		{name: "pointer rule takes no name", rule: Rule{Type: RuleEventPointer, Name: "x", Pointer: "/x"},
			err: `not "name"`},
		{name: "pointer must start with a slash", rule: Rule{Type: RuleBodyPointer, Pointer: "tenantId"},
			err: "must start with '/'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Validate()
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestNewExtractorNeedsRules(t *testing.T) {
	c, err := NewChecker(nil, nil, "")
	require.NoError(t, err)
	_, err = NewExtractor(nil, c, Options{})
	assert.ErrorContains(t, err, "no rules")
	_, err = NewExtractor([]Rule{{Type: "x"}}, c, Options{})
	assert.ErrorContains(t, err, "rule 0:")
}

// BenchmarkExtract measures one typical SQS record: an attribute cross-checked with a body pointer, then the default
// pattern and a known-tenant list. Target: <= 20 µs and <= 30 allocations per record.
func BenchmarkExtract(b *testing.B) {
	c, err := NewChecker(nil, []string{"acme", "globex", "initech"}, "")
	require.NoError(b, err)
	e, err := NewExtractor([]Rule{attrRule, bodyRule}, c, Options{})
	require.NoError(b, err)
	in := Input{
		Attributes: attrs("tenantId", "globex", "traceId", "abc"),
		Body: `{"orderId":"o-123456","tenantId":"globex","items":[{"sku":"x-1","qty":2,"price":9.99},` +
			`{"sku":"y-2","qty":1,"price":19.5}],"note":"deliver \"fast\"","tags":["a","b"],"paid":true}`,
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Extract(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractLargeBody measures a 256 KiB body, the old SQS maximum, to show the scan is linear.
func BenchmarkExtractLargeBody(b *testing.B) {
	c, err := NewChecker(nil, nil, "")
	require.NoError(b, err)
	e, err := NewExtractor([]Rule{bodyRule}, c, Options{})
	require.NoError(b, err)
	item := `{"sku":"x-1","qty":2,"price":9.99,"text":"lorem ipsum dolor sit amet"},`
	body := `{"items":[` + strings.Repeat(item, (256<<10)/len(item)) + `{}],"tenantId":"acme"}`
	in := Input{Body: body}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Extract(in); err != nil {
			b.Fatal(err)
		}
	}
}
