package lambda

import (
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// The default account quota; 100 of it always stays unreserved.
const (
	accountConcurrency = 1000
	minUnreserved      = 100
)

// reservedTotal sums the reserved concurrency of every function but except; the caller holds s.mu.
func (s *Service) reservedTotal(except *function) int {
	total := 0
	for _, f := range s.functions {
		if f != except && f.reserved != nil {
			total += *f.reserved
		}
	}
	return total
}

// PutFunctionConcurrency reserves concurrency, keeping 100 of the account unreserved.
func (s *Service) PutFunctionConcurrency(r *http.Request) (int, any, error) {
	var in PutConcurrencyInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	var errs shape.Violations
	if in.ReservedConcurrentExecutions == nil {
		errs.Null("reservedConcurrentExecutions")
	}
	errs.OptionalRange("reservedConcurrentExecutions", in.ReservedConcurrentExecutions, 0, accountConcurrency)
	if err := errs.Err(protocol.Validation); err != nil {
		return 0, nil, err
	}
	return s.withFunction(r, func(f *function, _ *version, ref functionRef) (int, any, error) {
		if ref.Qualifier != "" {
			return 0, nil, invalidParameter("Reserved concurrency applies to the function, not to a version or alias.")
		}
		if s.reservedTotal(f)+*in.ReservedConcurrentExecutions > accountConcurrency-minUnreserved {
			return 0, nil, invalidParameter("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", minUnreserved)
		}
		f.reserved = intPtr(*in.ReservedConcurrentExecutions)
		return http.StatusOK, Concurrency{ReservedConcurrentExecutions: intPtr(*f.reserved)}, nil
	})
}

// GetFunctionConcurrency returns the reservation, or an empty body when there is none.
func (s *Service) GetFunctionConcurrency(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, _ *version, _ functionRef) (int, any, error) {
		out := Concurrency{}
		if f.reserved != nil {
			out.ReservedConcurrentExecutions = intPtr(*f.reserved)
		}
		return http.StatusOK, out, nil
	})
}

// DeleteFunctionConcurrency removes the reservation.
func (s *Service) DeleteFunctionConcurrency(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, _ *version, _ functionRef) (int, any, error) {
		f.reserved = nil
		return http.StatusNoContent, nil, nil
	})
}

// GetAccountSettings reports the default quotas and this account's usage.
func (s *Service) GetAccountSettings(*http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	usage := AccountUsage{FunctionCount: len(s.functions)}
	for _, f := range s.functions {
		usage.TotalCodeSize += f.latest.cfg.CodeSize
		for _, v := range f.published {
			usage.TotalCodeSize += v.cfg.CodeSize
		}
	}
	return http.StatusOK, AccountSettingsOutput{
		AccountLimit: AccountLimit{TotalCodeSize: 80530636800, CodeSizeUnzipped: maxUnzipped, CodeSizeZipped: maxZipped,
			ConcurrentExecutions: accountConcurrency, UnreservedConcurrentExecutions: accountConcurrency - s.reservedTotal(nil)},
		AccountUsage: usage,
	}, nil
}
