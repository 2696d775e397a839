package isolation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Environment variables that the module sets on the backend with create_tenant_access_role and
// create_tenant_data_table, so that a backend in any language finds the role and the table.
const (
	EnvTenantAccessRoleARN = "TENANT_ACCESS_ROLE_ARN"
	EnvTenantDataTable     = "TENANT_DATA_TABLE"
)

// SessionTagTenantID is the session tag that carries the tenant. Policies of the tenant-access role name it as
// ${aws:PrincipalTag/TenantId}.
const SessionTagTenantID = "TenantId"

// AssumeRoleAPI is the part of the STS client that TenantAccess uses.
type AssumeRoleAPI interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// TenantAccessOptions tune a TenantAccess. The zero value of each field means its default.
type TenantAccessOptions struct {
	// STS assumes the role; the default is sts.NewFromConfig(base), that is, the execution role's credentials.
	STS AssumeRoleAPI
	// SessionDuration is asked for in AssumeRole: 15 minutes to the role's maximum session duration. Default 1 hour,
	// the module's default maximum.
	SessionDuration time.Duration
	// ExpiryWindow is how long before expiry the credentials are renewed. Default 5 minutes, so that a call that
	// starts with them still finishes before they expire.
	ExpiryWindow time.Duration
}

// TenantAccess gives an isolated handler AWS configurations whose credentials are scoped to its tenant: those of the
// tenant-access role (modules/tenant-access), assumed with the invocation's tenant as session tag TenantId. The role's
// policies name ${aws:PrincipalTag/TenantId}, so AWS itself refuses a request for another tenant's item, prefix or
// queue, whatever the handler asked for.
//
// # What it closes
//
// The most common multi-tenant bug is code that takes a tenant ID from the wrong place (a payload field, a cache key,
// a global) and reads or writes another tenant's data with credentials that can reach every tenant. With TenantAccess
// the tenant of the credentials comes only from the invocation context, which Lambda sets from the Invoke call's
// TenantId after the router validated it; a key taken from the payload then gets AccessDenied instead of data.
//
// # What it does not close
//
// The execution role may assume the tenant-access role with any TenantId: Lambda offers no condition key for the
// invocation's tenant, so the trust policy cannot tie the tag to the environment. Code that bypasses TenantAccess, and
// uses the execution role directly (the default SDK configuration) to assume the role with another tag or to call a
// service the execution role can reach, is not stopped. TenantAccess guards against mistakes in the handler, not
// against hostile code running in it; keep the execution role's own permissions to what every tenant may share.
//
// # Behaviour
//
// An environment serves one tenant, so a TenantAccess binds to the first tenant it sees and keeps that tenant's
// credentials for the environment's life: one AssumeRole per environment, renewed ExpiryWindow before expiry, and no
// network call on later invocations. It checks every call with its Guard: an invocation without a tenant fails with
// ErrNoTenant, and a second tenant with a *ViolationError, after which the guard stays tripped. The session tag is not
// transitive: the tenant-access role is the end of the chain, and a role it might assume gets no TenantId from it.
//
// A TenantAccess is safe for concurrent use.
type TenantAccess struct {
	base    aws.Config
	roleARN string
	guard   *Guard
	opts    TenantAccessOptions

	mu     sync.Mutex
	tenant string     // the tenant bound to, "" before the first invocation
	cfg    aws.Config // base with the tenant's cached credentials
}

// NewTenantAccess returns a TenantAccess for the role roleARN that checks invocations with guard (share the handler's
// Guard; nil makes a new one). base is the configuration of the execution role, as config.LoadDefaultConfig returns it;
// the scoped configurations copy its region, endpoint and retry settings.
func NewTenantAccess(base aws.Config, roleARN string, guard *Guard, optFns ...func(*TenantAccessOptions)) (*TenantAccess, error) {
	if err := checkRoleARN(roleARN); err != nil {
		return nil, err
	}
	if guard == nil {
		guard = NewGuard(nil)
	}
	opts := TenantAccessOptions{SessionDuration: time.Hour, ExpiryWindow: 5 * time.Minute}
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.STS == nil {
		opts.STS = sts.NewFromConfig(base)
	}
	if opts.SessionDuration < 15*time.Minute || opts.SessionDuration > 12*time.Hour {
		return nil, fmt.Errorf("isolation: session duration %s is outside STS's 15m to 12h", opts.SessionDuration)
	}
	if opts.ExpiryWindow < 0 || opts.ExpiryWindow >= opts.SessionDuration {
		return nil, fmt.Errorf("isolation: expiry window %s must be shorter than the session (%s)", opts.ExpiryWindow, opts.SessionDuration)
	}
	return &TenantAccess{base: base, roleARN: roleARN, guard: guard, opts: opts}, nil
}

// TenantAccessRoleFromEnv returns the role ARN the module sets in TENANT_ACCESS_ROLE_ARN, or an error that says how to
// set it.
func TenantAccessRoleFromEnv(getenv func(string) string) (string, error) {
	v := strings.TrimSpace(getenv(EnvTenantAccessRoleARN))
	if v == "" {
		return "", fmt.Errorf("%s: not set; apply the module with create_tenant_access_role = true", EnvTenantAccessRoleARN)
	}
	if err := checkRoleARN(v); err != nil {
		return "", fmt.Errorf("%s: %w", EnvTenantAccessRoleARN, err)
	}
	return v, nil
}

func checkRoleARN(s string) error {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return fmt.Errorf("isolation: %q is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)", s)
	}
	return nil
}

// Config returns a configuration whose credentials are scoped to the invocation's tenant. It fails with ErrNoTenant
// when ctx has no tenant, with a *ViolationError when the environment has served another tenant, and with the STS
// error when the role cannot be assumed for the tenant. The first call in an environment assumes the role, so that a
// refusal shows at once rather than at the first data call; later calls make no network call until the credentials
// are due for renewal.
func (a *TenantAccess) Config(ctx context.Context) (aws.Config, error) {
	tenant, err := a.guard.Check(ctx)
	if err != nil {
		return aws.Config{}, err
	}

	a.mu.Lock()
	if a.tenant == "" {
		a.tenant = tenant
		a.cfg = a.base.Copy()
		a.cfg.Credentials = aws.NewCredentialsCache(&assumer{access: a, tenant: tenant},
			func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = a.opts.ExpiryWindow })
	}
	bound, cfg := a.tenant, a.cfg
	a.mu.Unlock()

	// The guard already refuses a second tenant; this keeps the credentials right even with a guard shared wrongly.
	if tenant != bound {
		return aws.Config{}, &ViolationError{Bound: bound, Received: tenant}
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return aws.Config{}, fmt.Errorf("isolation: credentials of %s for tenant %q: %w", a.roleARN, tenant, err)
	}
	return cfg, nil
}

// assumer is the credentials provider behind the cache: one AssumeRole for one tenant.
type assumer struct {
	access *TenantAccess
	tenant string
}

func (p *assumer) Retrieve(ctx context.Context) (aws.Credentials, error) {
	a := p.access
	out, err := a.opts.STS.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(a.roleARN),
		RoleSessionName: aws.String(SessionName(p.tenant)),
		DurationSeconds: aws.Int32(int32(a.opts.SessionDuration / time.Second)),
		Tags:            []ststypes.Tag{{Key: aws.String(SessionTagTenantID), Value: aws.String(p.tenant)}},
	})
	if err != nil {
		return aws.Credentials{}, err
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.SessionToken == nil || c.Expiration == nil {
		return aws.Credentials{}, errors.New("isolation: AssumeRole returned no complete credentials")
	}
	return aws.Credentials{
		AccessKeyID:     *c.AccessKeyId,
		SecretAccessKey: *c.SecretAccessKey,
		SessionToken:    *c.SessionToken,
		Source:          "isolation.TenantAccess",
		CanExpire:       true,
		Expires:         *c.Expiration,
	}, nil
}

// SessionName is the role session name for a tenant: "tenant-" and the tenant ID, with characters STS does not allow
// in session names (":", "/" and space) replaced by "_", cut to STS's 64 characters. It names the tenant in
// CloudTrail's assumed-role ARN; the session tag, not the name, is what policies trust.
func SessionName(tenant string) string {
	name := "tenant-" + strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_+=,.@-", r):
			return r
		default:
			return '_'
		}
	}, tenant)
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}
