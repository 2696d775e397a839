package policy_test

import (
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// workerInline is a tenant worker's inline policy: three statements, one with a policy
// variable, conditions included.
const workerInline = `{"Version":"2012-10-17","Statement":[
	  {"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:*"},
	  {"Sid":"Evidence","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:evidence",
	   "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
	  {"Sid":"TenantItems","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],
	   "Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
	   "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/TenantId}"]},
	                "Null":{"dynamodb:LeadingKeys":"false"}}}]}`

// BenchmarkParse is the cost of a cache miss.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Parse(workerInline); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate decides a tenant worker's DynamoDB write: a role with three inline
// statements (one with a policy variable) and one managed policy, conditions included.
func BenchmarkEvaluate(b *testing.B) {
	inline := workerInline
	managed := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	  "Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`
	var cache policy.Cache
	parse := func(doc string) *policy.Policy {
		p, err := cache.Parse(doc)
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	req := policy.Request{
		Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
		Principal: policy.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/worker/worker", RoleARN: "arn:aws:iam::123456789012:role/worker"},
		Context: map[string][]string{
			"aws:PrincipalArn": {"arn:aws:iam::123456789012:role/worker"}, "aws:PrincipalAccount": {"123456789012"},
			"aws:userid": {"AROAEXAMPLE:worker"}, "aws:PrincipalTag/TenantId": {"tenant-a"},
			"aws:CurrentTime": {"2026-03-01T12:00:00Z"}, "aws:SecureTransport": {"false"},
			"dynamodb:LeadingKeys": {"tenant-a"},
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		// Callers look policies up in the cache per request, so the benchmark does too.
		set := policy.Set{Identity: []policy.Named{
			{Name: "role/worker inline policy 'this'", Policy: parse(inline)},
			{Name: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", Policy: parse(managed)},
		}}
		if d := policy.Evaluate(req, set); !d.Allowed {
			b.Fatalf("denied: %+v", d)
		}
	}
}
