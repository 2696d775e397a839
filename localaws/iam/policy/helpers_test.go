package policy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

const (
	account  = "123456789012"
	roleARN  = "arn:aws:iam::123456789012:role/router"
	session  = "arn:aws:sts::123456789012:assumed-role/router/router-fn"
	queueARN = "arn:aws:sqs:us-east-1:123456789012:orders"
)

// routerSession is a Lambda function's execution role session, the usual caller.
var routerSession = policy.Principal{ARN: session, RoleARN: roleARN}

func mustParse(t testing.TB, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(doc)
	require.NoError(t, err, doc)
	return p
}

func named(t testing.TB, name string, docs ...string) []policy.Named {
	t.Helper()
	out := []policy.Named{}
	for _, d := range docs {
		out = append(out, policy.Named{Name: name, Policy: mustParse(t, d)})
	}
	return out
}

// allowIf is an identity policy that allows sqs:SendMessage on the queue when the
// Condition block holds.
func allowIf(condition string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*",` +
		`"Condition":` + condition + `}]}`
}
