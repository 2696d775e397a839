package authz_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/authz"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
)

// roles is a Directory of one role shaped like the module's router.
type roles struct{ role identity.Role }

func (r roles) RoleByARN(arn string) (identity.Role, bool) { return r.role, arn == r.role.ARN }
func (roles) ManagedPolicy(string) (identity.Document, bool) {
	return identity.Document{}, false
}

// queuePolicies gives every queue the module's TLS-only policy.
type queuePolicies struct{}

func (queuePolicies) ResourcePolicy(arn string) (string, bool) {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*",` +
		`"Action":"sqs:*","Resource":"` + arn + `","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, true
}

const routerRole = `{"Version":"2012-10-17","Statement":[` +
	`{"Sid":"WriteOwnLogStreams","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
	`"Resource":"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/router:*"},` +
	`{"Sid":"InvokeTenantIsolatedBackendOnly","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":[` +
	`"arn:aws:lambda:us-east-1:000000000000:function:backend","arn:aws:lambda:us-east-1:000000000000:function:backend:*"]},` +
	`{"Sid":"SendRejectedMessagesToQuarantine","Effect":"Allow","Action":"sqs:SendMessage",` +
	`"Resource":"arn:aws:sqs:us-east-1:000000000000:quarantine"},` +
	`{"Sid":"ConsumeOwnSourceQueues","Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage",` +
	`"sqs:GetQueueAttributes"],"Resource":["arn:aws:sqs:us-east-1:000000000000:source"]}]}`

// BenchmarkAuthorize decides one request of a role session, as every request to an
// enforcing localaws is decided: principal resolution, global keys, the queue's
// resource policy and evaluation, with policies parsed once (the cache). It reports the
// median and 99th percentile of single decisions.
func BenchmarkAuthorize(b *testing.B) {
	ids := identity.NewStore(time.Now)
	env := &core.Env{Region: "us-east-1", Account: "000000000000", Clock: core.RealClock{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Identity: ids}
	const roleARN = "arn:aws:iam::000000000000:role/router"
	ids.SetDirectory(roles{identity.Role{Name: "router", ARN: roleARN, ID: "AROAROUTER",
		Policies: []identity.Document{{ID: roleARN + "/inline/this", Text: routerRole}}}})
	ids.AddResourcePolicies("sqs", queuePolicies{})
	s := ids.Issue(identity.Session{RoleARN: roleARN, RoleName: "router", RoleID: "AROAROUTER", Name: "router"}, time.Hour)
	a := authz.New(env)
	ctx := core.WithCaller(context.Background(), core.Caller{AccessKeyID: s.AccessKeyID, SessionToken: s.SessionToken,
		SecureTransport: true, SourceIP: "127.0.0.1"})
	req := core.AccessRequest{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:quarantine"}
	if err := a.Authorize(ctx, req); err != nil {
		b.Fatal(err)
	}
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := a.Authorize(ctx, req); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds())/1e3, "p99-µs")
}
