package e2e

import (
	"context"
	"net/http"
	"net/url"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/faults"
)

// SetFaults replaces the fault injection of one function on localaws (PUT
// /_localaws/faults/{function}); it fails on AWS, where faults cannot be injected.
func (t *Target) SetFaults(ctx context.Context, function string, c faults.Config) (faults.Entry, error) {
	var e faults.Entry
	err := t.admin(ctx, http.MethodPut, "/_localaws/faults/"+url.PathEscape(function), c, &e)
	return e, err
}

// Faults reads the configs and what localaws injected so far, per function.
func (t *Target) Faults(ctx context.Context) ([]faults.Entry, error) {
	var out struct {
		Functions []faults.Entry `json:"functions"`
	}
	err := t.admin(ctx, http.MethodGet, "/_localaws/faults", nil, &out)
	return out.Functions, err
}

// ClearFaults removes a function's fault injection and its stats.
func (t *Target) ClearFaults(ctx context.Context, function string) error {
	return t.admin(ctx, http.MethodDelete, "/_localaws/faults/"+url.PathEscape(function), nil, nil)
}
