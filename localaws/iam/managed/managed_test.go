package managed_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/managed"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

func TestEveryDocumentIsAValidIdentityPolicy(t *testing.T) {
	all := managed.All()
	require.Len(t, all, 8)
	for _, p := range all {
		t.Run(p.Name, func(t *testing.T) {
			doc, err := policy.Parse(p.Document)
			require.NoError(t, err)
			require.NoError(t, doc.Validate(policy.Identity))
			assert.Equal(t, policy.Version2012, doc.Version)
			assert.Regexp(t, `^ANPA[A-Z2-7]{17}$`, p.ID)
			assert.Regexp(t, `^v[1-9][0-9]*$`, p.Version)
			assert.False(t, p.Updated.Before(p.Created), "updated before created")
			got, ok := managed.Get(p.ARN())
			require.True(t, ok)
			assert.Equal(t, p, got)
		})
	}
}

func TestLookup(t *testing.T) {
	doc, version, ok := managed.Lookup("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
	require.True(t, ok)
	assert.Equal(t, "v1", version)
	assert.Contains(t, doc, `"logs:PutLogEvents"`)

	_, _, ok = managed.Lookup("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")
	assert.False(t, ok, "the service-role path is part of the ARN")
	_, _, ok = managed.Lookup("arn:aws:iam::123456789012:policy/PowerUserAccess")
	assert.False(t, ok, "a customer policy with a managed policy's name is not it")
	_, _, ok = managed.Lookup("arn:aws:iam::aws:policy/ARN-NOT-HELD")
	assert.False(t, ok)
}

// The documents decide what they grant: a few decisions that the module's roles rely on.
func TestManagedPoliciesGrantWhatAWSDocuments(t *testing.T) {
	tests := []struct {
		name, arn, action string
		want              bool
	}{
		{"basic execution writes logs", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "logs:PutLogEvents", true},
		{"basic execution reads no queue", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "sqs:ReceiveMessage", false},
		{"SQS execution consumes", "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole", "sqs:DeleteMessage", true},
		{"SQS execution does not send", "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole", "sqs:SendMessage", false},
		{"power user invokes functions", "arn:aws:iam::aws:policy/PowerUserAccess", "lambda:InvokeFunction", true},
		{"power user cannot create roles", "arn:aws:iam::aws:policy/PowerUserAccess", "iam:CreateRole", false},
		{"power user may list roles", "arn:aws:iam::aws:policy/PowerUserAccess", "iam:ListRoles", true},
		{"administrator may do anything", "arn:aws:iam::aws:policy/AdministratorAccess", "iam:CreateRole", true},
		{"X-Ray daemon writes segments", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess", "xray:PutTraceSegments", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, ok := managed.Lookup(tt.arn)
			require.True(t, ok)
			p, err := policy.Parse(doc)
			require.NoError(t, err)
			d := policy.Evaluate(policy.Request{Action: tt.action, Resource: "*"},
				policy.Set{Identity: []policy.Named{{Name: tt.arn, Policy: p}}})
			assert.Equal(t, tt.want, d.Allowed)
		})
	}
}
