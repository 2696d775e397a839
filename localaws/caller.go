package localaws

import (
	"net"
	"net/http"
	"regexp"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// accessKeyID matches the access key of a SigV4 credential, in the Authorization header
// ("Credential=AKID/20260101/us-east-1/sqs/aws4_request") or a presigned URL's
// X-Amz-Credential ("AKID/20260101/us-east-1/sqs/aws4_request").
var accessKeyID = regexp.MustCompile(`(?:^|Credential=)([^/,\s]+)/\d{8}/`)

// callerOf reads who signed r: the access key ID and session token of its SigV4
// signature, from the headers or, for a presigned URL, the query, and where the request
// came from. An unsigned request has no access key. Signatures are not verified:
// localaws holds no secret for keys it did not issue.
func callerOf(r *http.Request) core.Caller {
	q := r.URL.Query()
	cred, token := r.Header.Get("Authorization"), r.Header.Get("X-Amz-Security-Token")
	if cred == "" {
		cred, token = q.Get("X-Amz-Credential"), q.Get("X-Amz-Security-Token")
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	c := core.Caller{SourceIP: ip, SecureTransport: r.TLS != nil || isLoopback(ip)}
	if m := accessKeyID.FindStringSubmatch(cred); m != nil {
		c.AccessKeyID, c.SessionToken = m[1], token
	}
	return c
}

// isLoopback says whether a request came from this machine. localaws stands in for an
// HTTPS endpoint that it serves over plain HTTP on loopback, so such a request counts as
// secure transport: otherwise every queue with a TLS-only policy would refuse every
// caller, which AWS never does to an SDK.
func isLoopback(ip string) bool {
	a := net.ParseIP(ip)
	return a != nil && a.IsLoopback()
}
