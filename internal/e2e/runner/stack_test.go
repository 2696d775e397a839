package runner

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/target"
)

func TestTeardownByPurpose(t *testing.T) {
	local, err := target.StartLocal("amd64", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	account, err := target.FromEnv(context.Background(), func(k string) string {
		return map[string]string{"TEST_TARGET": "aws"}[k]
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		target   *target.Target
		teardown Teardown
		destroys bool
	}{
		{"evidence on localaws is not destroyed", local, DestroyOnAWS, false},
		{"evidence on AWS is destroyed", account, DestroyOnAWS, true},
		{"a destroy test destroys on localaws", local, Destroy, true},
		{"a destroy test destroys on AWS", account, Destroy, true},
		{"a plan has nothing to destroy on localaws", local, PlanOnly, false},
		{"a plan has nothing to destroy on AWS", account, PlanOnly, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.target, root, "/dist", Config{Example: "examples/minimal", Name: "tu-x", Teardown: tt.teardown})
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(s.copyDir)
			if s.Destroys() != tt.destroys {
				t.Errorf("Destroys() = %v, want %v", s.Destroys(), tt.destroys)
			}
			if _, err := os.Stat(filepath.Join(s.Options.TerraformDir, "main.tf")); err != nil {
				t.Fatalf("the example was not copied: %v", err)
			}
			if got := s.Options.Vars["architecture"]; got != tt.target.TerraformArch() {
				t.Errorf("architecture %v, want %s", got, tt.target.TerraformArch())
			}
			if tt.destroys {
				return // a destroy needs Terraform: the e2e suite runs it
			}
			if err := s.Teardown(t); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(s.copyDir); !os.IsNotExist(err) {
				t.Errorf("teardown left the copy %s: %v", s.copyDir, err)
			}
		})
	}
}

func TestCheckWorkerRuntime(t *testing.T) {
	for _, tc := range []struct {
		runtime string
		ok      bool
	}{
		{"go", true}, {"python", true}, {"node", true},
		{"python3.12", false}, {"", false}, {"Node", false},
	} {
		err := CheckWorkerRuntime(tc.runtime)
		if (err == nil) != tc.ok {
			t.Errorf("CheckWorkerRuntime(%q) = %v, want ok %v", tc.runtime, err, tc.ok)
		}
	}
	if err := CheckWorkerRuntime("ruby"); err == nil || err.Error() != `RUNTIME must be one of go, python, node, not "ruby"` {
		t.Errorf("the refusal names the choices: %v", err)
	}
}
