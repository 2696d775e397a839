package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

const (
	allowSend = `{"Version":"2012-10-17","Statement":[{"Sid":"Send","Effect":"Allow","Action":"sqs:SendMessage",` +
		`"Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}]}`
	denySend = `{"Version":"2012-10-17","Statement":[{"Sid":"NoSend","Effect":"Deny","Action":"sqs:*","Resource":"*"}]}`
	allowSQS = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`
	allowS3  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
)

// queuePolicy allows sqs:SendMessage to the given Principal element.
func queuePolicy(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Q","Effect":"Allow","Principal":` + principal +
		`,"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}]}`
}

// Cases follow reference_policies_evaluation-logic_policy-eval-denyallow.html and
// reference_policies_evaluation-logic_policy-eval-basics.html, for one account.
func TestEvaluationLogic(t *testing.T) {
	tests := []struct {
		name      string
		principal policy.Principal
		set       func(t *testing.T) policy.Set
		effect    string
		matched   string // Match.Policy, "" for none
		because   string
	}{
		{"no policy is an implicit deny", routerSession,
			func(*testing.T) policy.Set { return policy.Set{} },
			policy.ImplicitDeny, "", "because no identity-based policy allows the sqs:SendMessage action"},
		{"an identity allow allows", routerSession,
			func(t *testing.T) policy.Set { return policy.Set{Identity: named(t, "inline", allowSend)} },
			policy.Allowed, "inline", ""},
		{"an explicit deny beats an allow", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: append(named(t, "allow", allowSend), named(t, "deny", denySend)...)}
			},
			policy.ExplicitDeny, "deny", "with an explicit deny in an identity-based policy"},
		{"a resource policy deny beats an identity allow", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend),
					Resource: named(t, "queue", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"`+roleARN+`"},`+
						`"Action":"sqs:SendMessage","Resource":"*"}]}`)}
			},
			policy.ExplicitDeny, "queue", "with an explicit deny in a resource-based policy"},
		{"a resource policy naming the role allows without an identity allow", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"`+roleARN+`"}`))}
			},
			policy.Allowed, "queue", ""},
		{"a resource policy naming the account delegates to identity policies", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"arn:aws:iam::123456789012:root"}`))}
			},
			policy.ImplicitDeny, "", "because no identity-based policy allows the sqs:SendMessage action"},
		{"a resource policy naming the account ID with an identity allow allows", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSQS), Resource: named(t, "queue", queuePolicy(`{"AWS":"123456789012"}`))}
			},
			policy.Allowed, "inline", ""},
		{"a resource policy naming another role does not apply", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"arn:aws:iam::123456789012:role/backend"}`))}
			},
			policy.ImplicitDeny, "", "because no identity-based policy allows the sqs:SendMessage action"},
		{"a resource policy for everyone allows", routerSession,
			func(t *testing.T) policy.Set { return policy.Set{Resource: named(t, "queue", queuePolicy(`"*"`))} },
			policy.Allowed, "queue", ""},
		{"a permissions boundary must allow too", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend), Boundary: named(t, "boundary", allowS3)}
			},
			policy.ImplicitDeny, "", "because no permissions boundary allows the sqs:SendMessage action"},
		{"identity and boundary both allowing allows", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend), Boundary: named(t, "boundary", allowSQS)}
			},
			policy.Allowed, "inline", ""},
		{"an empty boundary allows nothing", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend), Boundary: []policy.Named{}}
			},
			policy.ImplicitDeny, "", "because no permissions boundary allows the sqs:SendMessage action"},
		{"a deny in the boundary is explicit", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend), Boundary: named(t, "boundary", denySend)}
			},
			policy.ExplicitDeny, "boundary", "with an explicit deny in a permissions boundary"},
		{"a session policy must allow too", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend), Session: named(t, "session", allowS3)}
			},
			policy.ImplicitDeny, "", "because no session policy allows the sqs:SendMessage action"},
		{"a session policy cannot grant what the role lacks", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowS3), Session: named(t, "session", allowSQS)}
			},
			policy.ImplicitDeny, "", "because no identity-based policy allows the sqs:SendMessage action"},
		{"a deny in the session policy is explicit", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend), Session: named(t, "session", denySend)}
			},
			policy.ExplicitDeny, "session", "with an explicit deny in a session policy"},
		{"a resource policy naming the role is limited by the boundary", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"`+roleARN+`"}`)), Boundary: named(t, "boundary", allowS3)}
			},
			policy.ImplicitDeny, "", "because no permissions boundary allows the sqs:SendMessage action"},
		{"a resource policy naming the role is limited by the session policy", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"`+roleARN+`"}`)), Session: named(t, "session", allowS3)}
			},
			policy.ImplicitDeny, "", "because no session policy allows the sqs:SendMessage action"},
		{"a resource policy naming the session is not limited by the boundary or session policy", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"`+session+`"}`)),
					Boundary: named(t, "boundary", allowS3), Session: named(t, "session", allowS3)}
			},
			policy.Allowed, "queue", ""},
		{"a resource policy naming an IAM user is not limited by the user's boundary",
			policy.Principal{ARN: "arn:aws:iam::123456789012:user/ops"},
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"arn:aws:iam::123456789012:user/ops"}`)),
					Boundary: named(t, "boundary", allowS3)}
			},
			policy.Allowed, "queue", ""},
		{"a resource policy naming the session still loses to a boundary deny", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"`+session+`"}`)), Boundary: named(t, "boundary", denySend)}
			},
			policy.ExplicitDeny, "boundary", "with an explicit deny in a permissions boundary"},
		{"a role ARN with a path matches its sessions when the caller gives no role ARN",
			policy.Principal{ARN: session},
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", queuePolicy(`{"AWS":"arn:aws:iam::123456789012:role/app/router"}`))}
			},
			policy.Allowed, "queue", ""},
		{"a service principal is allowed by the queue policy for its rule",
			policy.Principal{Service: "events.amazonaws.com"},
			func(t *testing.T) policy.Set {
				return policy.Set{Resource: named(t, "queue", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
					`"Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"`+queueARN+`",`+
					`"Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/orders"}}}]}`)}
			},
			policy.Allowed, "queue", ""},
		{"NotPrincipal in a deny spares only the principal listed with all its identities", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend),
					Resource: named(t, "queue", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[`+
						`"`+session+`","`+roleARN+`","arn:aws:iam::123456789012:root"]},"Action":"sqs:*","Resource":"*"}]}`)}
			},
			policy.Allowed, "inline", ""},
		{"NotPrincipal without the account denies even the listed session", routerSession,
			func(t *testing.T) policy.Set {
				return policy.Set{Identity: named(t, "inline", allowSend),
					Resource: named(t, "queue", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[`+
						`"`+session+`","`+roleARN+`"]},"Action":"sqs:*","Resource":"*"}]}`)}
			},
			policy.ExplicitDeny, "queue", "with an explicit deny in a resource-based policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := policy.Evaluate(policy.Request{Action: "sqs:SendMessage", Resource: queueARN, Principal: tt.principal,
				Context: map[string][]string{"aws:SecureTransport": {"true"},
					"aws:SourceArn": {"arn:aws:events:us-east-1:123456789012:rule/orders"}}}, tt.set(t))
			assert.Equal(t, tt.effect, d.Effect, "%+v", d)
			assert.Equal(t, tt.effect == policy.Allowed, d.Allowed)
			assert.Equal(t, tt.because, d.Because)
			if tt.matched == "" {
				assert.Nil(t, d.Matched)
			} else if assert.NotNil(t, d.Matched) {
				assert.Equal(t, tt.matched, d.Matched.Policy)
			}
		})
	}
}

func TestDecisionNamesTheStatement(t *testing.T) {
	set := policy.Set{Identity: named(t, "role/router inline policy 'this'",
		`{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":"logs:*","Resource":"*"},`+
			`{"Sid":"Send","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`)}
	d := policy.Evaluate(policy.Request{Action: "sqs:SendMessage", Resource: queueARN}, set)
	assert.Equal(t, &policy.Match{Policy: "role/router inline policy 'this'", Type: policy.IdentityBased, Statement: 1, Sid: "Send"},
		d.Matched)
}

func TestActionAndResourceMatching(t *testing.T) {
	tests := []struct {
		name, statement, action, resource string
		want                              bool
	}{
		{"action names ignore case", `"Action":"SQS:sendmessage","Resource":"*"`, "sqs:SendMessage", queueARN, true},
		{"action star matches a prefix", `"Action":"sqs:Send*","Resource":"*"`, "sqs:SendMessageBatch", queueARN, true},
		{"action question mark matches one character", `"Action":"sqs:?endMessage","Resource":"*"`, "sqs:SendMessage", queueARN, true},
		{"action of another service", `"Action":"sqs:*","Resource":"*"`, "sns:Publish", "*", false},
		{"star action matches everything", `"Action":"*","Resource":"*"`, "iam:CreateRole", "*", true},
		{"NotAction allows everything else", `"NotAction":"iam:*","Resource":"*"`, "sqs:SendMessage", queueARN, true},
		{"NotAction excludes what it lists", `"NotAction":["iam:*","organizations:*"],"Resource":"*"`, "iam:CreateRole", "*", false},
		{"NotResource allows other resources", `"Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:secret-*"`, "sqs:SendMessage", queueARN, true},
		{"NotResource excludes what it lists", `"Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:ord*"`, "sqs:SendMessage", queueARN, false},
		{"resource ARNs are case-sensitive", `"Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:123456789012:Orders"`,
			"sqs:SendMessage", queueARN, false},
		{"resource star in a part", `"Action":"sqs:*","Resource":"arn:aws:sqs:*:123456789012:orders"`, "sqs:SendMessage", queueARN, true},
		{"resource star stays in its part", `"Action":"sqs:*","Resource":"arn:aws:sqs:us-*:123456789012:orders"`,
			"sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:us-x:123456789012:orders", false},
		{"a trailing star spans colons", `"Action":"sqs:*","Resource":"arn:aws:sqs:*"`, "sqs:SendMessage", queueARN, true},
		{"a trailing star of a middle part spans colons", `"Action":"iam:*","Resource":"arn:aws:iam::123456789012:u*"`,
			"iam:GetUser", "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob", true},
		{"a star crosses slashes in the resource part", `"Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"`,
			"s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a/b/c.txt", true},
		{"colons inside the resource part are literal", `"Action":"logs:*","Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/router:*"`,
			"logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/router:log-stream:x", true},
		{"a log group pattern does not match another group", `"Action":"logs:*","Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/router:*"`,
			"logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:log-stream:x", false},
		{"a specific ARN does not match an action without resources", `"Action":"sqs:*","Resource":"` + queueARN + `"`,
			"sqs:ListQueues", "*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+tt.statement+`}]}`)
			d := policy.Evaluate(policy.Request{Action: tt.action, Resource: tt.resource},
				policy.Set{Identity: []policy.Named{{Name: "p", Policy: p}}})
			assert.Equal(t, tt.want, d.Allowed)
		})
	}
}

// Cases follow reference_policies_variables.html.
func TestPolicyVariables(t *testing.T) {
	bucket := func(version, resource string) string {
		v := ""
		if version != "" {
			v = `"Version":"` + version + `",`
		}
		return `{` + v + `"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + resource + `"}]}`
	}
	user := map[string][]string{"aws:username": {"carlos"}, "aws:PrincipalTag/team": {"red"}}
	tests := []struct {
		name, doc, resource string
		context             map[string][]string
		want                bool
	}{
		{"a variable in Resource is substituted", bucket("2012-10-17", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"),
			"arn:aws:s3:::amzn-s3-demo-bucket/carlos/notes.txt", user, true},
		{"a substituted resource refuses another user's prefix", bucket("2012-10-17", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"),
			"arn:aws:s3:::amzn-s3-demo-bucket/maria/notes.txt", user, false},
		{"a tag variable key ignores case", bucket("2012-10-17", "arn:aws:s3:::b/${aws:principaltag/TEAM}/*"),
			"arn:aws:s3:::b/red/x", user, true},
		{"version 2008-10-17 has no variables", bucket("2008-10-17", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"),
			"arn:aws:s3:::amzn-s3-demo-bucket/carlos/notes.txt", user, false},
		{"a document without Version has no variables", bucket("", "arn:aws:s3:::b/${aws:username}/*"),
			"arn:aws:s3:::b/${aws:username}/x", user, true},
		{"an unresolvable variable makes the statement not apply", bucket("2012-10-17", "arn:aws:s3:::b/${aws:PrincipalTag/project}/*"),
			"arn:aws:s3:::b/red/x", user, false},
		{"a default stands in for a missing key", bucket("2012-10-17", "arn:aws:s3:::b/${aws:PrincipalTag/project, 'shared'}/*"),
			"arn:aws:s3:::b/shared/x", user, true},
		{"a default is not used when the key is present", bucket("2012-10-17", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"),
			"arn:aws:s3:::b/shared/x", user, false},
		{"an escaped star is literal", bucket("2012-10-17", "arn:aws:s3:::b/${*}/x"), "arn:aws:s3:::b/anything/x", user, false},
		{"an escaped star matches a star", bucket("2012-10-17", "arn:aws:s3:::b/${*}${?}${$}/x"), "arn:aws:s3:::b/*?$/x", user, true},
		{"a substituted value's wildcards are literal", bucket("2012-10-17", "arn:aws:s3:::b/${aws:username}/x"),
			"arn:aws:s3:::b/anyone/x", map[string][]string{"aws:username": {"*"}}, false},
		{"a multivalued key is no variable", bucket("2012-10-17", "arn:aws:s3:::b/${aws:TagKeys}/x"),
			"arn:aws:s3:::b/a/x", map[string][]string{"aws:TagKeys": {"a", "b"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := policy.Evaluate(policy.Request{Action: "s3:GetObject", Resource: tt.resource, Context: tt.context},
				policy.Set{Identity: named(t, "p", tt.doc)})
			assert.Equal(t, tt.want, d.Allowed, "%+v", d)
		})
	}
}

func TestUnresolvableVariableVoidsADeny(t *testing.T) {
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*",` +
		`"Condition":{"StringNotEquals":{"s3:prefix":"${aws:PrincipalTag/project}"}}}]}`
	set := policy.Set{Identity: named(t, "p", allowS3, deny)}
	d := policy.Evaluate(policy.Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::b",
		Context: map[string][]string{"s3:prefix": {"x"}}}, set)
	assert.True(t, d.Allowed, "%+v", d)
	d = policy.Evaluate(policy.Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::b",
		Context: map[string][]string{"s3:prefix": {"x"}, "aws:PrincipalTag/project": {"y"}}}, set)
	assert.Equal(t, policy.ExplicitDeny, d.Effect)
}

// The tenant policy of the DynamoDB developer guide (specifying-conditions.html): each
// tenant's role session carries TenantId, and may touch only items whose partition key
// is that tenant.
func TestDynamoDBLeadingKeysPerTenant(t *testing.T) {
	const tenantPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	 "Action":["dynamodb:GetItem","dynamodb:BatchGetItem","dynamodb:Query","dynamodb:PutItem",
	           "dynamodb:UpdateItem","dynamodb:DeleteItem","dynamodb:BatchWriteItem"],
	 "Resource":["arn:aws:dynamodb:us-east-1:123456789012:table/Orders"],
	 "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/TenantId}"]}}}]}`
	const guarded = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*",
	 "Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
	 "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/TenantId}"]},
	              "Null":{"dynamodb:LeadingKeys":"false"}}}]}`
	const table = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
	tenant := func(keys ...string) map[string][]string {
		c := map[string][]string{"aws:PrincipalTag/TenantId": {"tenant-a"}}
		if keys != nil {
			c["dynamodb:LeadingKeys"] = keys
		}
		return c
	}
	tests := []struct {
		name, doc, action string
		context           map[string][]string
		want              bool
	}{
		{"a tenant reads its own item", tenantPolicy, "dynamodb:GetItem", tenant("tenant-a"), true},
		{"a tenant cannot read another tenant's item", tenantPolicy, "dynamodb:GetItem", tenant("tenant-b"), false},
		{"a batch with one foreign key is refused", tenantPolicy, "dynamodb:BatchGetItem", tenant("tenant-a", "tenant-b"), false},
		{"a batch of its own keys is allowed", tenantPolicy, "dynamodb:BatchWriteItem", tenant("tenant-a", "tenant-a"), true},
		{"a session without the tag gets nothing", tenantPolicy, "dynamodb:GetItem",
			map[string][]string{"dynamodb:LeadingKeys": {"tenant-a"}}, false},
		{"Scan is not in the tenant policy", tenantPolicy, "dynamodb:Scan", tenant(), false},
		{"without a Null guard a request with no leading keys passes", guarded[:0] + `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*",` +
			`"Resource":"` + table + `","Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/TenantId}"]}}}]}`,
			"dynamodb:Scan", tenant(), true},
		{"the Null guard refuses a request with no leading keys", guarded, "dynamodb:Scan", tenant(), false},
		{"the Null guard still allows the tenant's own key", guarded, "dynamodb:Query", tenant("tenant-a"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := policy.Evaluate(policy.Request{Action: tt.action, Resource: table, Principal: routerSession, Context: tt.context},
				policy.Set{Identity: named(t, "tenant", tt.doc)})
			assert.Equal(t, tt.want, d.Allowed, "%+v", d)
		})
	}
}

func TestTrustPolicy(t *testing.T) {
	trust := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},
	  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/router"},"Action":["sts:AssumeRole","sts:TagSession"],
	   "Condition":{"StringLike":{"aws:RequestTag/TenantId":"*"}}}]}`
	role := "arn:aws:iam::123456789012:role/tenant-access"
	tests := []struct {
		name      string
		principal policy.Principal
		action    string
		context   map[string][]string
		want      bool
	}{
		{"the service may assume the role", policy.Principal{Service: "lambda.amazonaws.com"}, "sts:AssumeRole", nil, true},
		{"another service may not", policy.Principal{Service: "ec2.amazonaws.com"}, "sts:AssumeRole", nil, false},
		{"the router may tag its session with a tenant", routerSession, "sts:TagSession",
			map[string][]string{"aws:RequestTag/TenantId": {"t1"}}, true},
		{"the router may not tag without a tenant", routerSession, "sts:TagSession", nil, false},
		{"the service may not tag sessions", policy.Principal{Service: "lambda.amazonaws.com"}, "sts:TagSession", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := policy.Evaluate(policy.Request{Action: tt.action, Resource: role, Principal: tt.principal, Context: tt.context},
				policy.Set{Resource: named(t, "trust", trust)})
			assert.Equal(t, tt.want, d.Allowed, "%+v", d)
		})
	}
}

func TestExplicitDenyNamesAManagedPolicy(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:policy/ExampleDenyPolicy"
	set := policy.Set{Identity: []policy.Named{{Name: arn, ARN: arn, Policy: mustParse(t, denySend)}}}
	d := policy.Evaluate(policy.Request{Action: "sqs:SendMessage", Resource: queueARN}, set)
	assert.Equal(t, "with an explicit deny in an identity-based policy: "+arn, d.Because)
}

// The example of reference_policies_evaluation-logic_policy-eval-basics.html: Carlos may
// use his own bucket, and the DenyS3Logs statement keeps him out of any bucket with
// "log" in its name, his own logs bucket included.
func TestCarlosExample(t *testing.T) {
	carlos := `{"Version":"2012-10-17","Statement":[
	  {"Sid":"AllowS3ListRead","Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetAccountPublicAccessBlock",
	    "s3:ListAccessPoints","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::*"},
	  {"Sid":"AllowS3Self","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
	    "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"]},
	  {"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}`
	user := policy.Principal{ARN: "arn:aws:iam::123456789012:user/carlossalazar"}
	tests := []struct {
		name, action, resource, effect, sid string
	}{
		{"he saves a file to his own bucket", "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/notes.txt",
			policy.Allowed, "AllowS3Self"},
		{"he cannot save a file to his logs bucket", "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/a.log",
			policy.ExplicitDeny, "DenyS3Logs"},
		{"he may locate any other bucket", "s3:GetBucketLocation", "arn:aws:s3:::amzn-s3-demo-bucket", policy.Allowed, "AllowS3ListRead"},
		{"he cannot read another bucket", "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a.txt", policy.ImplicitDeny, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := policy.Evaluate(policy.Request{Action: tt.action, Resource: tt.resource, Principal: user},
				policy.Set{Identity: named(t, "user/carlossalazar", carlos)})
			assert.Equal(t, tt.effect, d.Effect)
			if tt.sid != "" && assert.NotNil(t, d.Matched) {
				assert.Equal(t, tt.sid, d.Matched.Sid)
			}
		})
	}
}

func TestSimulateReportsEveryDecidingStatement(t *testing.T) {
	twoDenies := `{"Version":"2012-10-17","Statement":[{"Sid":"D1","Effect":"Deny","Action":"sqs:*","Resource":"*"},` +
		`{"Sid":"A","Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Sid":"D2","Effect":"Deny","Action":"*","Resource":"*"}]}`
	req := policy.Request{Action: "sqs:SendMessage", Resource: queueARN, Principal: routerSession}
	sids := func(ms []policy.Match) []string {
		var out []string
		for _, m := range ms {
			out = append(out, string(m.Type)+"/"+m.Sid)
		}
		return out
	}
	yes, no := true, false
	tests := []struct {
		name     string
		set      policy.Set
		effect   string
		sids     []string
		boundary *bool
	}{
		{"every explicit deny", policy.Set{Identity: named(t, "p", twoDenies)}, policy.ExplicitDeny,
			[]string{"identity-based policy/D1", "identity-based policy/D2"}, nil},
		{"every allow, boundary included", policy.Set{Identity: named(t, "p", allowSend, allowSQS), Boundary: named(t, "b", allowSQS)},
			policy.Allowed, []string{"identity-based policy/Send", "identity-based policy/", "permissions boundary/"}, &yes},
		{"nothing for an implicit deny", policy.Set{Identity: named(t, "p", allowSend), Boundary: named(t, "b", allowS3)},
			policy.ImplicitDeny, nil, &no},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := policy.Simulate(req, tt.set)
			assert.Equal(t, tt.effect, sim.Effect)
			assert.Equal(t, tt.sids, sids(sim.Statements))
			assert.Equal(t, tt.boundary, sim.AllowedByBoundary)
			assert.Equal(t, policy.Evaluate(req, tt.set), sim.Decision, "Simulate decides as Evaluate does")
		})
	}
}

// Assuming a role in the same account (API_AssumeRole, "Permissions"): the trust
// policy must allow, naming the caller, or naming the account and then the caller's
// identity policy must allow too.
func TestRequireResourceForTrustPolicies(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/tenant-access"
	mayAssume := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + role + `"}]}`
	tests := []struct {
		name     string
		trust    string
		identity []string
		effect   string
		because  string
	}{
		{"a trust policy naming the caller's role is enough", trustOf(`{"AWS":"` + roleARN + `"}`), nil, policy.Allowed, ""},
		{"a trust policy naming the account needs the identity policy", trustOf(`{"AWS":"123456789012"}`), []string{mayAssume},
			policy.Allowed, ""},
		{"the account alone allows nothing", trustOf(`{"AWS":"arn:aws:iam::123456789012:root"}`), nil,
			policy.ImplicitDeny, "because no identity-based policy allows the sts:AssumeRole action"},
		{"an identity allow alone is not enough", trustOf(`{"Service":"lambda.amazonaws.com"}`), []string{mayAssume, allowSQS},
			policy.ImplicitDeny, "because no resource-based policy allows the sts:AssumeRole action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.Set{Identity: named(t, "caller", tt.identity...), Resource: named(t, "trust", tt.trust), RequireResource: true}
			d := policy.Evaluate(policy.Request{Action: "sts:AssumeRole", Resource: role, Principal: routerSession}, set)
			assert.Equal(t, tt.effect, d.Effect, "%+v", d)
			assert.Equal(t, tt.because, d.Because)
			set.RequireResource = false
			if tt.effect == policy.ImplicitDeny && tt.identity != nil {
				assert.True(t, policy.Evaluate(policy.Request{Action: "sts:AssumeRole", Resource: role, Principal: routerSession}, set).Allowed,
					"without RequireResource the identity allow decides")
			}
		})
	}
}
