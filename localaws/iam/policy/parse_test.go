package policy_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

func TestParseRefusesMalformedDocuments(t *testing.T) {
	stmt := func(body string) string { return `{"Version":"2012-10-17","Statement":[{` + body + `}]}` }
	tests := []struct {
		name, doc, message string
	}{
		{"invalid JSON", `{"Version":`, "This policy contains invalid Json"},
		{"trailing data after the document", `{"Statement":[]} {}`, "This policy contains invalid Json"},
		{"a document that is not an object", `["Statement"]`, "Syntax errors in policy."},
		{"an unknown version", `{"Version":"2012-10-18","Statement":[]}`, "The policy failed legacy parsing"},
		{"no statement", `{"Version":"2012-10-17"}`, "Syntax errors in policy."},
		{"an unknown top-level element", `{"Version":"2012-10-17","Statment":[]}`, "Syntax errors in policy."},
		{"an effect other than Allow or Deny", stmt(`"Effect":"allow","Action":"s3:*","Resource":"*"`), "Syntax errors in policy."},
		{"no effect", stmt(`"Action":"s3:*","Resource":"*"`), "Syntax errors in policy."},
		{"no action", stmt(`"Effect":"Allow","Resource":"*"`), "Policy statement must contain actions."},
		{"an empty action list", stmt(`"Effect":"Allow","Action":[],"Resource":"*"`), "Policy statement must contain actions."},
		{"an action without a service", stmt(`"Effect":"Allow","Action":"SendMessage","Resource":"*"`),
			"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"an ARN as action", stmt(`"Effect":"Allow","Action":"arn:aws:logs:*","Resource":"*"`),
			"Actions/Condition can contain only one colon."},
		{"both Action and NotAction", stmt(`"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"`), "Syntax errors in policy."},
		{"an unknown statement element", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condtion":{}`), "Syntax errors in policy."},
		{"a number as action", stmt(`"Effect":"Allow","Action":7,"Resource":"*"`), "Syntax errors in policy."},
		{"an unknown condition operator", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}`),
			"Syntax errors in policy."},
		{"Null with IfExists", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"a":"true"}}`),
			"Syntax errors in policy."},
		{"a condition value that is an object", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a":{}}}`),
			"Syntax errors in policy."},
		{"an unknown principal type", stmt(`"Effect":"Allow","Principal":{"User":"x"},"Action":"s3:*","Resource":"*"`),
			"Invalid principal in policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse(tt.doc)
			var perr *policy.Error
			require.True(t, errors.As(err, &perr), "want *policy.Error, got %v", err)
			assert.Equal(t, tt.message, perr.Message)
		})
	}
}

func TestParseReadsEveryElement(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Id":"q","Statement":{"Sid":"One","Effect":"Deny",
	  "NotPrincipal":{"AWS":["123456789012"],"Service":"events.amazonaws.com"},"NotAction":"sqs:Get*",
	  "NotResource":["arn:aws:sqs:*:*:a","arn:aws:sqs:*:*:b"],
	  "Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false}}}}`)
	assert.Equal(t, "2012-10-17", p.Version)
	assert.Equal(t, "q", p.ID)
	require.Len(t, p.Statements, 1)
	st := p.Statements[0]
	assert.Equal(t, "One", st.Sid)
	assert.Equal(t, policy.Deny, st.Effect)
	assert.Equal(t, &policy.Principals{AWS: []string{"123456789012"}, Service: []string{"events.amazonaws.com"}}, st.NotPrincipal)
	assert.Equal(t, []string{"sqs:Get*"}, st.NotAction)
	assert.Equal(t, []string{"arn:aws:sqs:*:*:a", "arn:aws:sqs:*:*:b"}, st.NotResource)
	require.Len(t, st.Condition, 2)
	assert.Equal(t, policy.Condition{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}},
		withoutCompiled(st.Condition[0]))
	assert.Equal(t, policy.Condition{Operator: "NumericLessThan", Key: "s3:max-keys", Values: []string{"10"}},
		withoutCompiled(st.Condition[1]))
	assert.Equal(t, policy.Version2008, mustParse(t, `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`).Version)
}

func trustOf(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`
}

func withoutCompiled(c policy.Condition) policy.Condition {
	return policy.Condition{Operator: c.Operator, Key: c.Key, Values: c.Values}
}

func TestValidateByKind(t *testing.T) {
	identity := `{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	queue := `{"Version":"2012-10-17","Statement":[{"Sid":"allow events","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}`
	tests := []struct {
		name    string
		doc     string
		kind    policy.Kind
		message string // "" for valid
	}{
		{"an identity policy", identity, policy.Identity, ""},
		{"a trust policy", trust, policy.Trust, ""},
		{"a queue policy", queue, policy.Resource, ""},
		{"an identity policy with a principal", queue, policy.Identity, "Policy document should not specify a principal."},
		{"an identity policy without a resource",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`, policy.Identity,
			"Policy statement must contain resources."},
		{"a trust policy with a resource", queue, policy.Trust, "Has prohibited field Resource"},
		{"a trust policy without a principal", identity, policy.Trust, "Missing required field Principal"},
		{"a resource policy without a principal", identity, policy.Resource, "Missing required field Principal"},
		{"a trust policy naming roles by wildcard", trustOf(`{"AWS":"arn:aws:iam::123456789012:role/*"}`), policy.Trust,
			`Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"`},
		{"a trust policy with a malformed root ARN", trustOf(`{"AWS":["123456789012","arn:aws::iam::123456789012:root"]}`), policy.Trust,
			`Invalid principal in policy: "AWS":"arn:aws::iam::123456789012:root"`},
		{"a trust policy naming an account, a role, a session and everyone", trustOf(`{"AWS":["123456789012",` +
			`"arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/app/router",` +
			`"arn:aws:sts::123456789012:assumed-role/router/s-1","*"]}`), policy.Trust, ""},
		{"an identity policy Resource that is no ARN",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"my-bucket"}]}`, policy.Identity,
			`Resource my-bucket must be in ARN format or "*".`},
		{"an identity policy Sid with a space",
			`{"Version":"2012-10-17","Statement":[{"Sid":"a b","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, policy.Identity,
			"Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
		{"a repeated Sid",
			`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},` +
				`{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, policy.Identity,
			"Statement IDs (SID) in a single policy must be unique."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mustParse(t, tt.doc).Validate(tt.kind)
			if tt.message == "" {
				assert.NoError(t, err)
				return
			}
			var perr *policy.Error
			require.True(t, errors.As(err, &perr), "want *policy.Error, got %v", err)
			assert.Equal(t, tt.message, perr.Message)
		})
	}
}

func TestCacheParsesEachDocumentOnce(t *testing.T) {
	c := &policy.Cache{Size: 2}
	a1, err := c.Parse(allowSend)
	require.NoError(t, err)
	a2, _ := c.Parse(allowSend)
	assert.Same(t, a1, a2)

	_, err1 := c.Parse(`{`)
	_, err2 := c.Parse(`{`)
	assert.Error(t, err1)
	assert.Same(t, err1, err2, "errors are cached too")

	_, _ = c.Parse(denySend) // evicts the least recently used: allowSend
	assert.Equal(t, 2, c.Len())
	a3, _ := c.Parse(allowSend)
	assert.NotSame(t, a1, a3)
}

func TestCacheIsSafeForConcurrentUse(t *testing.T) {
	var c policy.Cache
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, (i+j)%10)
				p, err := c.Parse(doc)
				if assert.NoError(t, err) {
					assert.Equal(t, fmt.Sprintf("S%d", (i+j)%10), p.Statements[0].Sid)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 10, c.Len())
}

func TestParseLocatesStatements(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n" +
		"    {\n      \"Sid\": \"B\",\n      \"Effect\": \"Deny\",\n      \"Action\": \"iam:*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}"
	p := mustParse(t, doc)
	require.Len(t, p.Statements, 2)
	assert.Equal(t, policy.Position{Line: 4, Column: 5}, p.Statements[0].Start)
	assert.Equal(t, policy.Position{Line: 4, Column: 70}, p.Statements[0].End)
	assert.Equal(t, policy.Position{Line: 5, Column: 5}, p.Statements[1].Start)
	assert.Equal(t, policy.Position{Line: 10, Column: 5}, p.Statements[1].End)

	single := mustParse(t, `{"Statement" :{"Effect":"Allow","Action":"s3:*","Resource":"*"},"Version":"2012-10-17"}`)
	assert.Equal(t, policy.Position{Line: 1, Column: 15}, single.Statements[0].Start)
	assert.Equal(t, policy.Position{Line: 1, Column: 63}, single.Statements[0].End)

	tricky := mustParse(t, `{"Id":"a}\"{[","\u0053tatement":[ {"Sid":"x\"}]","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	assert.Equal(t, policy.Position{Line: 1, Column: 35}, tricky.Statements[0].Start, "braces and quotes in strings, an escaped key")
	assert.Equal(t, policy.Position{Line: 1, Column: 97}, tricky.Statements[0].End)
}

func TestContextKeys(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/${aws:PrincipalTag/Table}",
	   "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":"${aws:PrincipalTag/TenantId}"},
	                "Bool":{"aws:SecureTransport":"true"}}},
	  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"AWS:PRINCIPALTAG/TENANTID":"true"}}}]}`)
	assert.Equal(t, []string{"aws:PrincipalTag/Table", "aws:PrincipalTag/TenantId", "aws:SecureTransport", "dynamodb:LeadingKeys"},
		p.ContextKeys())
	assert.Empty(t, mustParse(t, allowSend).ContextKeys())
}
