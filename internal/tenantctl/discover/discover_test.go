package discover

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/replay"
)

const output = `{"table_name":"ti-tenants","held_queue_url":"http://q/ti-held","cache_ttl_seconds":5,
 "sources":{"orders":{"kind":"sqs","queue_url":"http://q/ti-orders","bus_name":null},
            "events":{"kind":"eventbridge","queue_url":"http://q/ti-events-buffer","bus_name":"ti-events"}}}`

func TestFind(t *testing.T) {
	tf := func(out string, err error) Terraform {
		return func(_ context.Context, args ...string) ([]byte, error) {
			if args[0] != "-chdir=examples/complete" || args[len(args)-1] != "tenantctl" {
				return nil, errors.New("unexpected arguments")
			}
			return []byte(out), err
		}
	}
	tests := []struct {
		name    string
		tf      Terraform
		flags   Flags
		want    Target
		wantErr string
	}{
		{name: "everything comes from the module's output", tf: tf(output, nil),
			flags: Flags{Chdir: "examples/complete"},
			want: Target{TableName: "ti-tenants", HeldQueueURL: "http://q/ti-held", CacheTTLSeconds: 5,
				Sources: map[string]replay.Source{
					"orders": {Kind: "sqs", QueueURL: "http://q/ti-orders"},
					"events": {Kind: "eventbridge", QueueURL: "http://q/ti-events-buffer", BusName: "ti-events"}}}},
		{name: "flags override the output", tf: tf(output, nil),
			flags: Flags{Chdir: "examples/complete", Table: "other", Sources: map[string]string{"direct": "bus:ti-direct"}},
			want: Target{TableName: "other", HeldQueueURL: "http://q/ti-held", CacheTTLSeconds: 5,
				Sources: map[string]replay.Source{
					"orders": {Kind: "sqs", QueueURL: "http://q/ti-orders"},
					"events": {Kind: "eventbridge", QueueURL: "http://q/ti-events-buffer", BusName: "ti-events"},
					"direct": {Kind: "eventbridge", BusName: "ti-direct"}}}},
		{name: "flags alone are enough", flags: Flags{Table: "t1", HeldQueueURL: "http://q/h"},
			want: Target{TableName: "t1", HeldQueueURL: "http://q/h"}},
		{name: "nothing at all says what to pass", wantErr: "pass -chdir"},
		{name: "a module without a registry says how to create one", tf: tf("null\n", nil),
			flags: Flags{Chdir: "examples/complete"}, wantErr: "set create_tenant_registry = true"},
		{name: "a failed terraform output says to apply", tf: tf("", errors.New("exit status 1")),
			flags: Flags{Chdir: "examples/complete"}, wantErr: "run terraform apply there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(context.Background(), tt.tf, tt.flags)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseSource(t *testing.T) {
	name, where, err := ParseSource("orders=https://sqs.us-east-1.amazonaws.com/1/ti-orders")
	require.NoError(t, err)
	assert.Equal(t, "orders", name)
	assert.Equal(t, "https://sqs.us-east-1.amazonaws.com/1/ti-orders", where)
	_, _, err = ParseSource("orders")
	assert.ErrorContains(t, err, "NAME=QUEUE_URL")
}
