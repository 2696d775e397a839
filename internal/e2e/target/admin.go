package target

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

// Environments reads localaws's execution environment table; nil on AWS.
func (t *Target) Environments(ctx context.Context) ([]verdict.Environment, error) {
	if t.server == nil {
		return nil, nil
	}
	envs := []verdict.Environment{}
	if err := t.admin(ctx, http.MethodGet, "/_localaws/environments", nil, &envs); err != nil {
		return nil, err
	}
	return envs, nil
}

// SetFaults replaces the fault injection of one function on localaws (PUT
// /_localaws/faults/{function}); it fails on AWS, where faults cannot be injected.
func (t *Target) SetFaults(ctx context.Context, function string, c faults.Config) error {
	return t.admin(ctx, http.MethodPut, "/_localaws/faults/"+url.PathEscape(function), c, nil)
}

// FaultStats is what localaws injected into one function so far; zero when it has no
// fault injection.
func (t *Target) FaultStats(ctx context.Context, function string) (verdict.FaultStats, error) {
	var out struct {
		Functions []faults.Entry `json:"functions"`
	}
	if err := t.admin(ctx, http.MethodGet, "/_localaws/faults", nil, &out); err != nil {
		return verdict.FaultStats{}, err
	}
	for _, e := range out.Functions {
		if e.Function == function {
			s := e.Stats
			return verdict.FaultStats{Invocations: s.Invocations, Errors: s.Errors, Throttles: s.Throttles,
				Timeouts: s.Timeouts, Kills: s.Kills}, nil
		}
	}
	return verdict.FaultStats{}, nil
}

// ClearFaults removes a function's fault injection and its stats.
func (t *Target) ClearFaults(ctx context.Context, function string) error {
	return t.admin(ctx, http.MethodDelete, "/_localaws/faults/"+url.PathEscape(function), nil, nil)
}

// SetTableFaults replaces the fault injection of a DynamoDB table's item operations on localaws (PUT
// /_localaws/faults/dynamodb/{table}); it fails on AWS.
func (t *Target) SetTableFaults(ctx context.Context, table string, c faults.Config) error {
	return t.admin(ctx, http.MethodPut, "/_localaws/faults/dynamodb/"+url.PathEscape(table), c, nil)
}

// TableFaultStats is what localaws injected into a table's item operations so far.
func (t *Target) TableFaultStats(ctx context.Context, table string) (faults.Stats, error) {
	var e faults.Entry
	err := t.admin(ctx, http.MethodGet, "/_localaws/faults/dynamodb/"+url.PathEscape(table), nil, &e)
	return e.Stats, err
}

// ClearTableFaults removes a table's fault injection and its stats.
func (t *Target) ClearTableFaults(ctx context.Context, table string) error {
	return t.admin(ctx, http.MethodDelete, "/_localaws/faults/dynamodb/"+url.PathEscape(table), nil, nil)
}

// admin calls one of localaws's /_localaws endpoints with an optional JSON body and
// decodes a JSON answer into out (when out is not nil). On AWS it fails without a call.
func (t *Target) admin(ctx context.Context, method, path string, in, out any) error {
	if t.server == nil {
		return fmt.Errorf("%s %s: localaws's admin endpoints exist only on TEST_TARGET=localaws", method, path)
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.server.URL()+path, body)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}
