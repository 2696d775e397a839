package dynamodb

import (
	"context"
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Options configures the service; the zero value is the default.
type Options struct {
	// Faults is the fault injection of item operations per table, also served at
	// /_localaws/faults/dynamodb; nil starts with none.
	Faults *faults.Set
}

// New builds the service with o.
func (o Options) New(env *core.Env) *Service {
	s := New(env)
	if o.Faults != nil {
		s.faults = o.Faults
	}
	return s
}

// AdminRoutes serves the tables' fault injection.
func (s *Service) AdminRoutes(mux *http.ServeMux) { s.faults.Routes(mux) }

// inject applies the table's fault injection to an item operation, before it takes
// the lock: latency first, then an injected throttle or server error, both of which
// the SDKs retry as they would AWS's.
func (s *Service) inject(ctx context.Context, table string) error {
	p := s.faults.Decide(table)
	if p.Latency > 0 {
		select {
		case <-s.env.Clock.After(p.Latency):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	switch {
	case p.Throttle:
		s.mu.Lock()
		t := s.tables[table]
		onDemand := t != nil && t.billing == billingPayPerRequest
		s.mu.Unlock()
		if onDemand {
			return ddbError("ThrottlingException", "Throughput exceeds the current capacity of your table or "+
				"index. DynamoDB is automatically scaling your table or index so please try again shortly.")
		}
		return ddbError("ProvisionedThroughputExceededException", "The level of configured provisioned "+
			"throughput for the table was exceeded. Consider increasing your provisioning level with the "+
			"UpdateTable API.")
	case p.Error:
		return &protocol.Error{Code: "InternalServerError", Message: "Internal server error (" + p.Message + ")",
			HTTPStatus: http.StatusInternalServerError, Receiver: true}
	}
	return nil
}
