package isolation

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const roleARN = "arn:aws:iam::000000000000:role/orders-tenant-access-us-east-1"

// fakeSTS answers AssumeRole with credentials that expire after ttl and records every call.
type fakeSTS struct {
	ttl   time.Duration
	err   error
	calls atomic.Int64

	mu     sync.Mutex
	inputs []*sts.AssumeRoleInput
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	n := f.calls.Add(1)
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	tenant := aws.ToString(in.Tags[0].Value)
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId:     aws.String("ASIA" + strings.ToUpper(tenant)),
		SecretAccessKey: aws.String("secret"),
		SessionToken:    aws.String("token-" + tenant + "-" + string(rune('0'+n))),
		Expiration:      aws.Time(time.Now().Add(f.ttl)),
	}}, nil
}

func (f *fakeSTS) last() *sts.AssumeRoleInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inputs[len(f.inputs)-1]
}

func newAccess(t testing.TB, f *fakeSTS) *TenantAccess {
	t.Helper()
	a, err := NewTenantAccess(aws.Config{Region: "us-east-1"}, roleARN, NewGuard(slog.New(slog.DiscardHandler)),
		func(o *TenantAccessOptions) { o.STS = f })
	require.NoError(t, err)
	return a
}

func TestTenantAccessAssumesTheRoleOnceWithTheContextTenantAsSessionTag(t *testing.T) {
	f := &fakeSTS{ttl: time.Hour}
	a := newAccess(t, f)

	cfg, err := a.Config(invocation("acme", "r1"))
	require.NoError(t, err)
	in := f.last()
	assert.Equal(t, roleARN, aws.ToString(in.RoleArn))
	assert.Equal(t, "tenant-acme", aws.ToString(in.RoleSessionName))
	assert.Equal(t, int32(3600), aws.ToInt32(in.DurationSeconds))
	require.Len(t, in.Tags, 1)
	assert.Equal(t, "TenantId", aws.ToString(in.Tags[0].Key))
	assert.Equal(t, "acme", aws.ToString(in.Tags[0].Value))
	assert.Empty(t, in.TransitiveTagKeys, "the tag ends with the tenant-access role's session")
	assert.Equal(t, "us-east-1", cfg.Region, "the scoped configuration keeps the base's settings")

	creds, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ASIAACME", creds.AccessKeyID)

	// Later invocations and SDK calls of the same environment use the cached credentials.
	for i := range 100 {
		cfg, err := a.Config(invocation("acme", "r"+string(rune('a'+i%26))))
		require.NoError(t, err)
		_, err = cfg.Credentials.Retrieve(context.Background())
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), f.calls.Load(), "one AssumeRole per environment")
}

func TestTenantAccessRefusesWithoutAssuming(t *testing.T) {
	for _, tt := range []struct {
		name  string
		first string // tenant of a first, successful invocation; "" for none
		ctx   context.Context
		want  func(*testing.T, error)
	}{
		{
			name: "an invocation without a tenant is refused",
			ctx:  context.Background(),
			want: func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrNoTenant) },
		},
		{
			name: "an invocation context without a tenant ID is refused",
			ctx:  invocation("", "r1"),
			want: func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrNoTenant) },
		},
		{
			name:  "a second tenant in one environment is a violation",
			first: "acme",
			ctx:   invocation("globex", "r2"),
			want: func(t *testing.T, err error) {
				var v *ViolationError
				require.ErrorAs(t, err, &v)
				assert.Equal(t, ViolationError{Bound: "acme", Received: "globex"}, *v)
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSTS{ttl: time.Hour}
			a := newAccess(t, f)
			if tt.first != "" {
				_, err := a.Config(invocation(tt.first, "r0"))
				require.NoError(t, err)
			}
			before := f.calls.Load()
			cfg, err := a.Config(tt.ctx)
			tt.want(t, err)
			assert.Nil(t, cfg.Credentials, "no credentials on a refusal")
			assert.Equal(t, before, f.calls.Load(), "a refused invocation must not assume the role")
		})
	}
}

func TestTenantAccessStaysRefusedAfterAViolation(t *testing.T) {
	f := &fakeSTS{ttl: time.Hour}
	a := newAccess(t, f)
	_, err := a.Config(invocation("acme", "r1"))
	require.NoError(t, err)
	_, err = a.Config(invocation("globex", "r2"))
	require.Error(t, err)

	// The environment may already hold globex's data: acme's next call fails too, like the Guard's.
	_, err = a.Config(invocation("acme", "r3"))
	var v *ViolationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, int64(1), f.calls.Load())
}

func TestTenantAccessSharesTheHandlersGuard(t *testing.T) {
	f := &fakeSTS{ttl: time.Hour}
	guard := NewGuard(slog.New(slog.DiscardHandler))
	a, err := NewTenantAccess(aws.Config{}, roleARN, guard, func(o *TenantAccessOptions) { o.STS = f })
	require.NoError(t, err)

	_, err = guard.Check(invocation("acme", "r1")) // the handler's own check binds the environment
	require.NoError(t, err)
	_, err = a.Config(invocation("globex", "r2"))
	var v *ViolationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, int64(0), f.calls.Load())
}

func TestTenantAccessRenewsCredentialsBeforeTheyExpire(t *testing.T) {
	// Credentials that expire within the expiry window are renewed on their next use.
	f := &fakeSTS{ttl: 2 * time.Minute}
	a := newAccess(t, f)
	cfg, err := a.Config(invocation("acme", "r1"))
	require.NoError(t, err)
	first, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	second, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(3), f.calls.Load(), "Config and each use renewed credentials inside the 5-minute window")
	assert.NotEqual(t, first.SessionToken, second.SessionToken)
	assert.Equal(t, "acme", aws.ToString(f.last().Tags[0].Value), "a renewal is for the same tenant")
}

func TestTenantAccessFailsLoudlyWhenTheRoleRefusesAndRetriesLater(t *testing.T) {
	f := &fakeSTS{ttl: time.Hour, err: errors.New("AccessDenied: not authorized to perform: sts:TagSession")}
	a := newAccess(t, f)
	_, err := a.Config(invocation("acme", "r1"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `tenant "acme"`)
	assert.ErrorIs(t, err, f.err)

	f.err = nil
	cfg, err := a.Config(invocation("acme", "r2"))
	require.NoError(t, err, "a failed AssumeRole is not cached")
	creds, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ASIAACME", creds.AccessKeyID)
}

func TestTenantAccessAssumesOnceUnderConcurrentInvocations(t *testing.T) {
	f := &fakeSTS{ttl: time.Hour}
	a := newAccess(t, f)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			cfg, err := a.Config(invocation("acme", "r"))
			if assert.NoError(t, err) {
				_, err = cfg.Credentials.Retrieve(context.Background())
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), f.calls.Load())
}

func TestNewTenantAccessRefusesBadSettings(t *testing.T) {
	for _, tt := range []struct {
		name string
		role string
		opt  func(*TenantAccessOptions)
	}{
		{name: "a role name is not an ARN", role: "orders-tenant-access"},
		{name: "a user ARN is not a role", role: "arn:aws:iam::000000000000:user/admin"},
		{name: "a session shorter than STS allows", role: roleARN, opt: func(o *TenantAccessOptions) { o.SessionDuration = time.Minute }},
		{name: "an expiry window as long as the session", role: roleARN, opt: func(o *TenantAccessOptions) { o.ExpiryWindow = time.Hour }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := []func(*TenantAccessOptions){func(o *TenantAccessOptions) { o.STS = &fakeSTS{} }}
			if tt.opt != nil {
				opts = append(opts, tt.opt)
			}
			_, err := NewTenantAccess(aws.Config{}, tt.role, nil, opts...)
			assert.Error(t, err)
		})
	}
}

func TestTenantAccessRoleFromEnv(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvTenantAccessRoleARN {
				return v
			}
			return ""
		}
	}
	got, err := TenantAccessRoleFromEnv(env(" " + roleARN + " "))
	require.NoError(t, err)
	assert.Equal(t, roleARN, got)

	_, err = TenantAccessRoleFromEnv(env(""))
	assert.ErrorContains(t, err, "create_tenant_access_role")
	_, err = TenantAccessRoleFromEnv(env("orders-tenant-access"))
	assert.ErrorContains(t, err, "not an IAM role ARN")
}

func TestSessionName(t *testing.T) {
	for _, tt := range []struct{ name, tenant, want string }{
		{"a plain tenant is kept", "acme", "tenant-acme"},
		{"characters STS refuses in session names become underscores", "org:acme/eu west", "tenant-org_acme_eu_west"},
		{"allowed punctuation is kept", "a.b@c+d=e,f-g_h", "tenant-a.b@c+d=e,f-g_h"},
		{"a long tenant is cut to 64 characters", strings.Repeat("x", 256), "tenant-" + strings.Repeat("x", 57)},
	} {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, SessionName(tt.tenant)) })
	}
}

// The cost of scoped credentials with STS answering at once: the first use in an environment (building the cache
// and one AssumeRole) and every later use (a cache hit: no AssumeRole, counted in assumes/op).
func BenchmarkTenantAccess(b *testing.B) {
	ctx := invocation("acme", "r1")
	b.Run("first use in an environment", func(b *testing.B) {
		f := &fakeSTS{ttl: time.Hour}
		for b.Loop() {
			a := newAccess(b, f)
			if _, err := a.Config(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.calls.Load())/float64(b.N), "assumes/op")
	})
	b.Run("later use", func(b *testing.B) {
		f := &fakeSTS{ttl: time.Hour}
		a := newAccess(b, f)
		if _, err := a.Config(ctx); err != nil {
			b.Fatal(err)
		}
		f.calls.Store(0)
		b.ResetTimer()
		for b.Loop() {
			cfg, err := a.Config(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.calls.Load())/float64(b.N), "assumes/op")
	})
}
