package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// Cases follow reference_policies_elements_condition_operators.html,
// reference_policies_condition-logic-multiple-context-keys-or-values.html and
// reference_policies_condition-single-vs-multi-valued-context-keys.html.
func TestConditionOperators(t *testing.T) {
	type ctx = map[string][]string
	tests := []struct {
		name      string
		condition string
		context   ctx
		want      bool
	}{
		// String
		{"StringEquals matches exactly", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`,
			ctx{"aws:PrincipalTag/job-category": {"iamuser-admin"}}, true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`,
			ctx{"aws:PrincipalTag/job-category": {"IAMUser-Admin"}}, false},
		{"StringEquals takes no wildcards", `{"StringEquals":{"aws:PrincipalTag/team":"dev*"}}`,
			ctx{"aws:PrincipalTag/team": {"developers"}}, false},
		{"StringEqualsIgnoreCase ignores case", `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"Marketing"}}`,
			ctx{"aws:PrincipalTag/team": {"MARKETING"}}, true},
		{"StringNotEqualsIgnoreCase refuses any case of the value", `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"Marketing"}}`,
			ctx{"aws:PrincipalTag/team": {"marketing"}}, false},
		{"StringLike star matches a run", `{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}`,
			ctx{"s3:prefix": {"home/carlos/photos/2024"}, "aws:username": {"carlos"}}, true},
		{"StringLike question mark matches one character", `{"StringLike":{"aws:PrincipalTag/code":"a?c"}}`,
			ctx{"aws:PrincipalTag/code": {"abbc"}}, false},
		{"StringNotLike passes a value that matches no pattern", `{"StringNotLike":{"aws:userid":["AIDA*","*:admin"]}}`,
			ctx{"aws:userid": {"AROAEXAMPLE:router"}}, true},
		{"key names are case-insensitive", `{"StringEquals":{"AWS:PRINCIPALTAG/TenantId":"t1"}}`,
			ctx{"aws:PrincipalTag/TenantId": {"t1"}}, true},

		// Several values are ORed; negated operators NOR them.
		{"any of several values matches", `{"StringEquals":{"aws:PrincipalTag/team":["a","b"]}}`,
			ctx{"aws:PrincipalTag/team": {"b"}}, true},
		{"negated operator fails when any value matches", `{"StringNotEquals":{"aws:PrincipalTag/team":["a","b"]}}`,
			ctx{"aws:PrincipalTag/team": {"b"}}, false},
		{"negated operator passes when no value matches", `{"StringNotEquals":{"aws:PrincipalTag/team":["a","b"]}}`,
			ctx{"aws:PrincipalTag/team": {"c"}}, true},
		// Several keys, and several operators, are ANDed.
		{"every key must hold", `{"StringEquals":{"aws:PrincipalTag/team":"a","aws:PrincipalTag/env":"prod"}}`,
			ctx{"aws:PrincipalTag/team": {"a"}, "aws:PrincipalTag/env": {"dev"}}, false},
		{"every operator must hold", `{"StringEquals":{"aws:PrincipalTag/team":"a"},"Bool":{"aws:SecureTransport":"true"}}`,
			ctx{"aws:PrincipalTag/team": {"a"}, "aws:SecureTransport": {"false"}}, false},

		// A missing key fails positive operators and passes negated ones.
		{"missing key fails a positive operator", `{"StringEquals":{"aws:PrincipalTag/team":"a"}}`, ctx{}, false},
		{"missing key passes a negated operator", `{"StringNotEquals":{"aws:PrincipalTag/team":"a"}}`, ctx{}, true},
		{"missing key passes ArnNotLike", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, ctx{}, true},
		{"missing key passes IfExists", `{"StringEqualsIfExists":{"ec2:InstanceType":["t2.micro","t2.small"]}}`, ctx{}, true},
		{"present key is checked by IfExists", `{"StringEqualsIfExists":{"ec2:InstanceType":["t2.micro","t2.small"]}}`,
			ctx{"ec2:InstanceType": {"m5.large"}}, false},
		{"negated IfExists fails a matching value", `{"StringNotEqualsIfExists":{"ec2:InstanceType":"t2.micro"}}`,
			ctx{"ec2:InstanceType": {"t2.micro"}}, false},

		// Numeric
		{"NumericLessThan below the limit", `{"NumericLessThan":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan at the limit", `{"NumericLessThan":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10"}}, false},
		{"NumericLessThanEquals at the limit", `{"NumericLessThanEquals":{"s3:max-keys":10}}`, ctx{"s3:max-keys": {"10"}}, true},
		{"NumericGreaterThan with a JSON number", `{"NumericGreaterThan":{"aws:MultiFactorAuthAge":3600}}`,
			ctx{"aws:MultiFactorAuthAge": {"3601"}}, true},
		{"NumericGreaterThanEquals below", `{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"3600"}}`,
			ctx{"aws:MultiFactorAuthAge": {"3599.5"}}, false},
		{"NumericEquals compares numbers not text", `{"NumericEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"10.0"}}, true},
		{"NumericNotEquals of a different number", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, ctx{"s3:max-keys": {"11"}}, true},
		{"Numeric operator fails a request value that is no number", `{"NumericLessThan":{"s3:max-keys":"10"}}`,
			ctx{"s3:max-keys": {"ten"}}, false},

		// Date, ISO 8601 and epoch seconds
		{"DateGreaterThan after the date", `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`,
			ctx{"aws:CurrentTime": {"2026-03-01T12:00:00Z"}}, true},
		{"DateLessThan after the date", `{"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}`,
			ctx{"aws:CurrentTime": {"2026-03-01T12:00:00Z"}}, false},
		{"Date operator reads epoch seconds", `{"DateLessThan":{"aws:EpochTime":"1772366400"}}`,
			ctx{"aws:EpochTime": {"1772366399"}}, true},
		{"Date operator compares epoch and ISO 8601", `{"DateEquals":{"aws:CurrentTime":"1772366400"}}`,
			ctx{"aws:CurrentTime": {"2026-03-01T12:00:00Z"}}, true},
		{"Date operator reads a date alone as midnight UTC", `{"DateGreaterThanEquals":{"aws:TokenIssueTime":"2026-03-01"}}`,
			ctx{"aws:TokenIssueTime": {"2026-03-01T00:00:00Z"}}, true},
		{"DateNotEquals of another instant", `{"DateNotEquals":{"aws:CurrentTime":"2026-03-01T12:00:00+01:00"}}`,
			ctx{"aws:CurrentTime": {"2026-03-01T12:00:00Z"}}, true},

		// Bool, Binary
		{"Bool false matches plain HTTP", `{"Bool":{"aws:SecureTransport":"false"}}`, ctx{"aws:SecureTransport": {"false"}}, true},
		{"Bool with a JSON boolean", `{"Bool":{"aws:SecureTransport":true}}`, ctx{"aws:SecureTransport": {"true"}}, true},
		{"Bool on a missing key fails", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, ctx{}, false},
		{"BinaryEquals compares decoded bytes", `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`,
			ctx{"key": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, true},
		{"BinaryEquals of other bytes", `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`,
			ctx{"key": {"b3RoZXI="}}, false},

		// IP addresses
		{"IpAddress inside the block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddress outside the block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"198.51.100.7"}}, false},
		{"IpAddress of one address", `{"IpAddress":{"aws:SourceIp":"127.0.0.1"}}`, ctx{"aws:SourceIp": {"127.0.0.1"}}, true},
		{"IpAddress in an IPv6 block", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`,
			ctx{"aws:SourceIp": {"2001:db8:1234:5678::2"}}, true},
		{"IPv4-mapped IPv6 request matches the IPv4 block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`,
			ctx{"aws:SourceIp": {"::ffff:203.0.113.9"}}, true},
		{"NotIpAddress outside the block", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"10.0.0.1"}}, true},

		// ARN
		{"ArnLike matches part by part", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}`,
			ctx{"aws:SourceArn": {"arn:aws:sns:us-east-1:123456789012:topic"}}, true},
		{"ArnLike star stays in its part", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:topic"}}`,
			ctx{"aws:SourceArn": {"arn:aws:sns:us-east-1:999999999999:x:123456789012:topic"}}, false},
		{"ArnEquals takes wildcards as ArnLike does", `{"ArnEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/*"}}`,
			ctx{"aws:SourceArn": {"arn:aws:events:us-east-1:123456789012:rule/orders"}}, true},
		{"ArnNotEquals of another rule", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/a"}}`,
			ctx{"aws:SourceArn": {"arn:aws:events:us-east-1:123456789012:rule/b"}}, true},

		// Null
		{"Null true for a missing key", `{"Null":{"aws:TokenIssueTime":"true"}}`, ctx{}, true},
		{"Null true fails a present key", `{"Null":{"aws:TokenIssueTime":"true"}}`,
			ctx{"aws:TokenIssueTime": {"2026-03-01T00:00:00Z"}}, false},
		{"Null false for a present key", `{"Null":{"aws:TokenIssueTime":"false"}}`,
			ctx{"aws:TokenIssueTime": {"2026-03-01T00:00:00Z"}}, true},

		// Set operators on the multivalued aws:TagKeys
		{"ForAllValues passes when every request value is allowed",
			`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`,
			ctx{"aws:TagKeys": {"environment"}}, true},
		{"ForAllValues fails when one request value is not allowed",
			`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`,
			ctx{"aws:TagKeys": {"environment", "owner"}}, false},
		{"ForAllValues passes for a missing key", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`, ctx{}, true},
		{"ForAllValues passes for an empty set", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`,
			ctx{"aws:TagKeys": {}}, true},
		{"ForAnyValue passes when one request value matches",
			`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`,
			ctx{"aws:TagKeys": {"owner", "cost-center"}}, true},
		{"ForAnyValue fails when no request value matches", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`,
			ctx{"aws:TagKeys": {"owner"}}, false},
		{"ForAnyValue fails for a missing key", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`, ctx{}, false},
		{"ForAllValues negated refuses any listed value", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`,
			ctx{"aws:TagKeys": {"owner", "secret"}}, false},
		{"ForAnyValue negated passes when one value is unlisted", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["secret"]}}`,
			ctx{"aws:TagKeys": {"owner", "secret"}}, true},
		{"ForAnyValue StringLike", `{"ForAnyValue:StringLike":{"aws:TagKeys":["cost-*"]}}`,
			ctx{"aws:TagKeys": {"owner", "cost-center"}}, true},
		{"operator names are case-insensitive", `{"forallvalues:stringequals":{"aws:TagKeys":["a"]}}`,
			ctx{"aws:TagKeys": {"b"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, allowIf(tt.condition))
			d := policy.Evaluate(policy.Request{Action: "sqs:SendMessage", Resource: queueARN, Context: tt.context},
				policy.Set{Identity: []policy.Named{{Name: "p", Policy: p}}})
			assert.Equal(t, tt.want, d.Allowed, "%+v", d)
		})
	}
}
