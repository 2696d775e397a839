// Package discover finds the tenant registry, the held queue and the sources that tenantctl works on: from the
// module's tenantctl output (terraform output -json), from flags, or both, flags winning.
package discover

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/replay"
)

// Target is what tenantctl works on; its JSON form is the module's tenantctl output.
type Target struct {
	TableName       string                   `json:"table_name"`
	HeldQueueURL    string                   `json:"held_queue_url"`
	CacheTTLSeconds int                      `json:"cache_ttl_seconds"`
	Sources         map[string]replay.Source `json:"sources"`
}

// Terraform runs terraform with args and returns its standard output.
type Terraform func(ctx context.Context, args ...string) ([]byte, error)

// Flags are the command-line settings that name or override parts of the target.
type Flags struct {
	Chdir        string            // a Terraform root whose output names the target
	OutputName   string            // the output that holds it; default "tenantctl"
	Table        string            // the registry table
	HeldQueueURL string            // the held queue
	Sources      map[string]string // source name -> queue URL, or "bus:<name>" for a direct EventBridge source
}

// Find builds the target from Terraform (when Chdir is set) and the flags, and says what to do when a part is missing.
func Find(ctx context.Context, tf Terraform, f Flags) (Target, error) {
	var t Target
	if f.Chdir != "" {
		name := f.OutputName
		if name == "" {
			name = "tenantctl"
		}
		out, err := tf(ctx, "-chdir="+f.Chdir, "output", "-json", name)
		if err != nil {
			return Target{}, fmt.Errorf("reading output %q of the Terraform in %s: %w; run terraform apply there, "+
				"or re-export the module's tenantctl output from your root module as %q", name, f.Chdir, err, name)
		}
		if bytes.Equal(bytes.TrimSpace(out), []byte("null")) {
			return Target{}, fmt.Errorf("output %q of %s is null: the module has no tenant registry; set "+
				"create_tenant_registry = true (or tenant_registry_table_arn) and apply", name, f.Chdir)
		}
		if err := json.Unmarshal(out, &t); err != nil {
			return Target{}, fmt.Errorf("output %q of %s is not the module's tenantctl output: %w", name, f.Chdir, err)
		}
	}
	if f.Table != "" {
		t.TableName = f.Table
	}
	if f.HeldQueueURL != "" {
		t.HeldQueueURL = f.HeldQueueURL
	}
	for name, where := range f.Sources {
		if t.Sources == nil {
			t.Sources = map[string]replay.Source{}
		}
		if bus, ok := strings.CutPrefix(where, "bus:"); ok {
			t.Sources[name] = replay.Source{Kind: "eventbridge", BusName: bus}
		} else {
			t.Sources[name] = replay.Source{Kind: "sqs", QueueURL: where}
		}
	}
	if t.TableName == "" {
		return Target{}, errors.New("no registry table: pass -chdir <directory of the Terraform that applied the " +
			"module> or -table <name>")
	}
	return t, nil
}

// ParseSource reads a -source flag value, NAME=URL or NAME=bus:BUS.
func ParseSource(v string) (string, string, error) {
	name, where, ok := strings.Cut(v, "=")
	if !ok || name == "" || where == "" {
		return "", "", fmt.Errorf("-source %q: write NAME=QUEUE_URL, or NAME=bus:BUS_NAME for an EventBridge "+
			"source that invokes the router directly", v)
	}
	return name, where, nil
}
