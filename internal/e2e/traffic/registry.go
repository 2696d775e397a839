package traffic

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/replay"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/store"
)

// SoakRegistryTTL is the routers' registry cache TTL, in seconds, in a soak with a registry: short, so that a
// suspension takes effect a few seconds into the load.
const SoakRegistryTTL = 3

// SoakRegistry runs the soak against the stack's tenant registry: Tenants tenants in it (the load's tenants, then
// idle ones), and the first Suspend of the load's tenants suspended a third of the way in, then resumed with their
// held messages replayed once the load is sent.
type SoakRegistry struct {
	Tenants int
	Suspend int
}

// lifecycle is the soak's registry work, through the same packages tenantctl uses.
type lifecycle struct {
	cfg       SoakRegistry
	ttl       time.Duration // the routers' registry cache TTL
	store     *store.Store
	ledger    *replay.DynamoLedger
	replayer  *replay.Replayer
	suspended []string
	effective time.Time // when the suspension surely reached every router, and their earlier invocations were over
	resumed   time.Time
}

func newLifecycle(cfg aws.Config, s Stack, rc SoakRegistry) (*lifecycle, error) {
	if s.Registry == nil {
		return nil, errors.New("the soak's registry needs examples/complete applied with create_tenant_registry = true")
	}
	ddb := dynamodb.NewFromConfig(cfg)
	c := NewClients(cfg)
	ledger := replay.NewLedger(ddb, s.Registry.TableName, nil)
	return &lifecycle{
		cfg:    rc,
		ttl:    time.Duration(s.Registry.CacheTTLSeconds) * time.Second,
		store:  store.New(ddb, s.Registry.TableName, nil),
		ledger: ledger,
		replayer: replay.New(c.SQS, c.EventBridge, ledger,
			replay.Config{HeldQueueURL: s.Registry.HeldQueueURL, Sources: s.Registry.Sources}),
	}, nil
}

// seed adds the load's tenants, then idle ones up to cfg.Tenants, eight at a time.
func (l *lifecycle) seed(ctx context.Context, loadTenants int) error {
	names := make(chan string)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range names {
				if _, err := l.store.Add(ctx, n, "soak"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range max(l.cfg.Tenants, loadTenants) {
		name := TenantName(i)
		if i >= loadTenants {
			name = fmt.Sprintf("idle-%04d", i)
		}
		select {
		case names <- name:
		case err := <-errs:
			close(names)
			wg.Wait()
			return err
		}
	}
	close(names)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// suspend suspends the first cfg.Suspend load tenants.
func (l *lifecycle) suspend(ctx context.Context) error {
	for i := range l.cfg.Suspend {
		if _, _, err := l.store.SetStatus(ctx, TenantName(i), registry.Suspended, "soak"); err != nil {
			return err
		}
		l.suspended = append(l.suspended, TenantName(i))
	}
	l.effective = time.Now().Add(l.ttl + suspensionGrace)
	return nil
}

// suspensionGrace is how long after the routers' cache TTL an invocation made before the suspension may still run:
// a router batch (SoakRouterTimeout) and localaws's two async retries of a failed invocation (1 s and 2 s).
const suspensionGrace = SoakRouterTimeout*time.Second + 3*time.Second

// resume makes the suspended tenants active, waits out the routers' cache, and replays their held messages.
func (l *lifecycle) resume(ctx context.Context) (replay.Report, error) {
	l.resumed = time.Now()
	for _, t := range l.suspended {
		if _, _, err := l.store.SetStatus(ctx, t, registry.Active, "soak"); err != nil {
			return replay.Report{}, err
		}
	}
	select {
	case <-time.After(l.ttl + time.Second):
	case <-ctx.Done():
		return replay.Report{}, ctx.Err()
	}
	rep, err := l.replayer.Replay(ctx, l.suspended, false, nil)
	if err == nil && len(rep.Kept) > 0 {
		err = fmt.Errorf("resume left %d held messages: %+v", len(rep.Kept), rep.Kept)
	}
	return rep, err
}

// held lists the suspended tenants' messages that were held and replayed, from the replay ledger.
func (l *lifecycle) held(ctx context.Context, sent []verdict.Sent) ([]verdict.Held, error) {
	suspended := map[string]bool{}
	for _, t := range l.suspended {
		suspended[t] = true
	}
	var out []verdict.Held
	for _, s := range sent {
		if !suspended[s.Tenant] {
			continue
		}
		source := "orders"
		if s.Via == verdict.ViaEventBridge {
			source = "events"
		}
		id, err := l.ledger.SentID(ctx, replay.LedgerKey(s.Tenant, source, s.MessageID))
		if err != nil {
			return nil, err
		}
		if id == "" {
			continue // routed before the suspension reached the router
		}
		h := verdict.Held{MessageID: s.MessageID, Tenant: s.Tenant, ReplayedAs: id}
		if s.Via == verdict.ViaEventBridge {
			h.ReplayedAs = s.MessageID // an event keeps its id through the buffer queue
		}
		out = append(out, h)
	}
	return out, nil
}
