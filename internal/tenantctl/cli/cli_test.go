package cli

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/store"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		cmd        string
		args       []string
		positional []string
		check      func(t *testing.T, o options)
		wantErr    string
	}{
		{name: "flags may follow the tenant", cmd: "suspend", args: []string{"acme", "-reason", "unpaid", "-json"},
			positional: []string{"acme"},
			check: func(t *testing.T, o options) {
				assert.Equal(t, "unpaid", o.reason)
				assert.True(t, o.json)
			}},
		{name: "flags may precede it", cmd: "resume", args: []string{"-dry-run", "-wait", "5s", "acme"},
			positional: []string{"acme"},
			check: func(t *testing.T, o options) {
				assert.True(t, o.dryRun)
				assert.Equal(t, 5*time.Second, o.wait)
				assert.True(t, o.waitSet)
			}},
		{name: "sources are repeatable", cmd: "resume",
			args: []string{"acme", "-source", "orders=http://q/o", "-source", "direct=bus:b"}, positional: []string{"acme"},
			check: func(t *testing.T, o options) {
				assert.Equal(t, map[string]string{"orders": "http://q/o", "direct": "bus:b"}, o.where.Sources)
			}},
		{name: "list filters by status in any case", cmd: "list", args: []string{"-status", "suspended", "-limit", "50"},
			check: func(t *testing.T, o options) {
				assert.Equal(t, store.ListOptions{Status: registry.Suspended, Limit: 50}, o.list)
			}},
		{name: "an unknown status names the three", cmd: "list", args: []string{"-status", "paused"},
			wantErr: "ACTIVE, SUSPENDED, OFFBOARDED"},
		{name: "an unknown command names the others", cmd: "pause", wantErr: "use add, suspend, resume, offboard"},
		{name: "a bad source says how to write it", cmd: "resume", args: []string{"-source", "orders"},
			wantErr: "NAME=QUEUE_URL"},
		{name: "a negative limit is refused", cmd: "list", args: []string{"-limit", "-1"}, wantErr: "-limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			o, positional, err := parse(tt.cmd, tt.args, &stderr)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error()+stderr.String(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.positional, positional)
			tt.check(t, o)
		})
	}
}

func TestRunRefusesBeforeItCallsAWS(t *testing.T) {
	noTerraform := func(context.Context, ...string) ([]byte, error) { return nil, errors.New("not called") }
	tests := []struct {
		name    string
		args    []string
		wantErr string
		code    int
	}{
		{name: "a tenant ID AWS refuses", args: []string{"add", "acme;drop", "-table", "t1"},
			wantErr: "invalid_tenant", code: 2},
		{name: "a tenant ID with the ledger's separator", args: []string{"add", "acme#x", "-table", "t1"},
			wantErr: "invalid_tenant", code: 2},
		{name: "show without a tenant", args: []string{"show", "-table", "t1"}, wantErr: "show takes one tenant ID",
			code: 2},
		{name: "list with a tenant", args: []string{"list", "acme", "-table", "t1"}, wantErr: "filter with -prefix",
			code: 2},
		{name: "no registry named", args: []string{"add", "acme"}, wantErr: "pass -chdir", code: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := Run(context.Background(), tt.args, &stdout, &stderr, Deps{Terraform: noTerraform})
			require.ErrorContains(t, err, tt.wantErr)
			if tt.code != 0 {
				ee, ok := errors.AsType[*ExitError](err)
				require.True(t, ok)
				assert.Equal(t, tt.code, ee.Code)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var stdout bytes.Buffer
	require.NoError(t, Run(context.Background(), []string{"-h"}, &stdout, &stdout, Deps{}))
	assert.Contains(t, stdout.String(), "AWS_ENDPOINT_URL")
}
