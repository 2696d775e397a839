package tenant

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract holds the extractor to what it promises for any attribute, group ID and body: it never panics, every
// refusal is a Rejection with a known reason and a short detail, and an accepted tenant passed the checks, came from
// the message, and is what a consumer that matches keys loosely would read too (encoding/json's case-insensitive
// struct fields, or code that lower-cases keys). The seeds are the inputs of the router's hardening findings.
func FuzzExtract(f *testing.F) {
	for _, s := range []struct{ attr, group, body string }{
		{"acme", "", `{"tenantId":"acme"}`},
		{"acme", "", `{"tenantId":"globex"}`},
		{"", "", `{"tenantId":"acme","tenant\u0131d":"globex"}`},
		{"", "", `{"tenantId":"acme","tenantıd":"globex"}`},
		{"", "", `{"tenantId":"acme","TENANTID":"globex"}`},
		{"", "", `{"tenantId":"acme","tenantId":"globex"}`},
		{"", "", `{"tenant\u0130d":"globex"}`},
		{"", "", `{"id":"a\u0000b\uffff","detail":{"tenantId":"Bad!"}}`},
		{"", "", `{"id":"e1","detail":{"tenantId":"acme","tenant\u212ad":"x"}}`},
		{"ACME", "", `{"tenantId":"ACME"}`},
		{" acme", "", `{"tenantId":" acme"}`},
		{"acme/x", "", `{"tenantId":"acme/x"}`},
		{"\u0430cme", "", `{"tenantId":"acme"}`},
		{"", "acme", "\ufeff{\"tenantId\":\"acme\"}"},
		{"", "", `{"tenantId":"ac\u006de"}`},
		{"", "", strings.Repeat("[", 129) + strings.Repeat("]", 129)},
		{"", "globex", `{"tenantId":null}`},
		{"", "", "{\"tenantId\":\"acme\xff\"}"},
	} {
		f.Add(s.attr, s.group, s.body)
	}
	checker, err := NewChecker(nil, nil, "")
	if err != nil {
		f.Fatal(err)
	}
	extractors := map[string]*Extractor{}
	pointers := map[string]Pointer{}
	for name, rules := range map[string][]Rule{
		"sqs":         {attrRule, groupRule, bodyRule},
		"required":    {{Type: RuleMessageAttribute, Name: "tenantId", Required: true}, bodyRule},
		"eventbridge": {eventRule},
	} {
		if extractors[name], err = NewExtractor(rules, checker, Options{}); err != nil {
			f.Fatal(err)
		}
		pointers[name] = MustParsePointer(rules[len(rules)-1].Pointer)
	}
	reasons := map[Reason]bool{ReasonMissing: true, ReasonInvalid: true, ReasonUnknown: true, ReasonMismatch: true,
		ReasonMalformed: true, ReasonTooLarge: true}

	f.Fuzz(func(t *testing.T, attr, group, body string) {
		in := Input{GroupID: group, Body: body}
		if attr != "" {
			in.Attributes = attrs("tenantId", attr)
		}
		for name, e := range extractors {
			id, err := e.Extract(in)
			if err != nil {
				rej, ok := AsRejection(err)
				if !ok || !reasons[rej.Reason] {
					t.Fatalf("%s: refusal %v is not a Rejection with a known reason", name, err)
				}
				if len(rej.Detail) > 512 || !utf8.ValidString(rej.Detail) {
					t.Fatalf("%s: detail is not short valid text: %q", name, rej.Detail)
				}
				if id != "" {
					t.Fatalf("%s: refusal came with tenant %q", name, id)
				}
				continue
			}
			if rej := checker.Check(id); rej != nil {
				t.Fatalf("%s: accepted %q, which the checker refuses: %s", name, id, rej.Detail)
			}
			fromBody := ""
			if l, rej := pointers[name].Resolve(body); rej == nil && l.Found && l.Kind == KindString {
				fromBody = l.Str()
			}
			if id != fromBody && (name == "eventbridge" || (id != attr && id != group)) {
				t.Fatalf("%s: accepted %q, which the message does not hold", name, id)
			}
			if name == "required" && id != attr {
				t.Fatalf("required attribute %q did not decide, got %q", attr, id)
			}
			if name == "sqs" || name == "required" {
				checkLooseReaders(t, body, "tenantId", id, attr, group)
			}
		}
	})
}

// checkLooseReaders decodes an accepted body the ways consumers match keys loosely. Any tenant they read must be the
// routed one: the body cannot name another tenant under a case variant of the key.
func checkLooseReaders(t *testing.T, body, key, id, attr, group string) {
	var viaStruct struct {
		TenantID *string `json:"tenantId"`
	}
	if json.Unmarshal([]byte(body), &viaStruct) == nil && viaStruct.TenantID != nil && *viaStruct.TenantID != id {
		t.Fatalf("routed %q, but encoding/json reads tenantId %q from %q", id, *viaStruct.TenantID, body)
	}
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return
	}
	for k, v := range m {
		//lint:ignore SA6005 this reader lower- and upper-cases keys, which is not folding
		if strings.ToLower(k) != strings.ToLower(key) && strings.ToUpper(k) != strings.ToUpper(key) {
			continue
		}
		if s, ok := v.(string); ok && s != id {
			t.Fatalf("routed %q (attribute %q, group %q), but key %q holds %q in %q", id, attr, group, k, s, body)
		}
	}
}
