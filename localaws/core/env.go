// Package core holds what every localaws service shares: the account and region it
// pretends to be, a clock, ID and ARN helpers, and the Service contract the server
// dispatches to.
package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
)

// Service is one emulated AWS service. Its protocol codec says how the server finds it.
type Service interface {
	http.Handler
	Route() Route
}

// Route is how the server picks the service of a request: by the prefix of its
// X-Amz-Target header, else by its SigV4 signing name.
type Route struct {
	// SigningName is the SigV4 service name, e.g. "sqs", "lambda", "iam".
	SigningName string
	// TargetPrefix is the X-Amz-Target prefix for JSON protocols ("AmazonSQS"), or "".
	TargetPrefix string
}

// AdminRouter is implemented by services that serve paths under /_localaws/.
type AdminRouter interface {
	AdminRoutes(mux *http.ServeMux)
}

// Closer is implemented by services that own goroutines or processes.
type Closer interface {
	Close() error
}

// Env is what the server hands to every service.
type Env struct {
	Region   string
	Account  string
	StateDir string
	Clock    Clock
	Logger   *slog.Logger
	// BaseURL returns the server's own URL once it listens, e.g. "http://127.0.0.1:4566".
	BaseURL func() string
	// Access decides IAM authorization; nil allows everything.
	Access Authorizer
	// Identity holds the credentials localaws issued, and reaches the roles and resource
	// policies the authorizer reads. The server always sets it.
	Identity *identity.Store
}

// Authorize asks Access whether the request's caller may do reqs; nil when allowed.
func (e *Env) Authorize(ctx context.Context, reqs ...AccessRequest) error {
	if e.Access == nil {
		return nil
	}
	return e.Access.Authorize(ctx, reqs...)
}

// Partition is always "aws": localaws serves commercial regions only.
const Partition = "aws"

// ARN builds an ARN in this account and region. Pass region "" for global services.
func (e *Env) ARN(service, region, resource string) string {
	if service == "iam" {
		region = ""
	}
	return arn.ARN{Partition: Partition, Service: service, Region: region, AccountID: e.Account,
		Resource: resource}.String()
}

// AWSConfig returns an SDK config that points back at this server, for services that
// call each other (EventBridge delivering to SQS, ESM pollers reading SQS) through the
// same wire protocols a real client uses.
func (e *Env) AWSConfig() aws.Config {
	return e.AWSConfigAs(credentials.NewStaticCredentialsProvider("localaws", "localaws", ""))
}

// AWSConfigAs is AWSConfig signed with creds: for calls a service makes as the principal
// AWS uses (a function's execution role, a service principal), so that they are
// authorised as that principal.
func (e *Env) AWSConfigAs(creds aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:       e.Region,
		Credentials:  creds,
		BaseEndpoint: aws.String(e.BaseURL()),
		// Internal calls must not be retried behind the caller's back: callers own retries.
		RetryMaxAttempts: 1,
	}
}

// DeliveryAttempts is how often a delivery that nobody else can retry (log events,
// destination records, dead-letter sends) is tried by the SDK's standard retryer: a lost
// loopback connection, a throttle or a 5xx is tried again; an API error such as a
// missing resource is not.
const DeliveryAttempts = 3

// DeliveryAWSConfig is AWSConfig for those deliveries: at least once, so a response lost
// after the server acted can duplicate a record, which is better than losing it.
func (e *Env) DeliveryAWSConfig() aws.Config {
	cfg := e.AWSConfig()
	cfg.RetryMaxAttempts = DeliveryAttempts
	return cfg
}

// DeliveryAWSConfigAs is DeliveryAWSConfig signed with creds (see AWSConfigAs).
func (e *Env) DeliveryAWSConfigAs(creds aws.CredentialsProvider) aws.Config {
	cfg := e.AWSConfigAs(creds)
	cfg.RetryMaxAttempts = DeliveryAttempts
	return cfg
}

// ServiceCredentials are the credentials of a service principal such as
// "events.amazonaws.com" acting for the resource sourceARN of this account: a request
// signed with them is authorised by resource policies alone, with aws:SourceArn and
// aws:SourceAccount set.
func (e *Env) ServiceCredentials(service, sourceARN string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		s := e.Identity.ServiceSession(service, sourceARN, e.Account)
		return aws.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey,
			SessionToken: s.SessionToken, CanExpire: true, Expires: s.Expires, Source: service}, nil
	})
}

// NewID returns n random bytes as lowercase hex.
func NewID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// NewUUID returns a random RFC 4122 version 4 UUID.
func NewUUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

type requestIDKey struct{}

// WithRequestID stores the request ID the codecs put in every response.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request ID of the current request, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
