// Package runner applies the examples with Terratest on a target and ends each stack
// the way its purpose asks: a stack kept for its evidence is not destroyed on localaws,
// which discards every resource when it stops, while a stack whose point is its
// destroy, and every stack on AWS, is destroyed and checked to leave nothing behind.
package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gruntwork-io/terratest/modules/files"
	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/gruntwork-io/terratest/modules/terraform"
	terratesting "github.com/gruntwork-io/terratest/modules/testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/target"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
)

// Teardown says how a stack ends.
type Teardown int

const (
	// DestroyOnAWS is for a stack whose purpose is evidence: on localaws its destroy would
	// prove nothing, since localaws discards every resource when it stops, so it is skipped.
	DestroyOnAWS Teardown = iota
	// Destroy is for a stack whose point is its destroy: it is destroyed on every target.
	Destroy
	// PlanOnly is for a stack that is only planned: there is nothing to destroy.
	PlanOnly
)

// Config says which example to apply and how.
type Config struct {
	Example  string         // folder under the repository root, e.g. "examples/complete"
	Name     string         // the example's name variable; every resource is named after it
	Vars     map[string]any // on top of architecture, dist_dir and name
	Teardown Teardown
	Quiet    bool // discard Terraform's output
}

// Stack is a private copy of an example bound to a target.
type Stack struct {
	Options *terraform.Options
	target  *target.Target
	name    string
	copyDir string
	destroy bool
	done    bool // Teardown ran
}

// New copies the repository to a new temporary folder (so that parallel stacks keep
// their own .terraform and state) and returns the stack of cfg.Example in it, applied by
// nobody yet. Close it with Teardown.
func New(tg *target.Target, repoRoot, dist string, cfg Config) (*Stack, error) {
	tmp, err := os.MkdirTemp("", "e2e-"+cfg.Name+"-")
	if err != nil {
		return nil, err
	}
	copied, err := files.CopyTerraformFolderToDest(repoRoot, tmp, "repo")
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(tmp))
	}
	vars := map[string]any{"architecture": tg.TerraformArch(), "dist_dir": dist, "name": cfg.Name}
	for k, v := range cfg.Vars {
		vars[k] = v
	}
	opts := &terraform.Options{
		TerraformDir: filepath.Join(copied, cfg.Example),
		Vars:         vars,
		EnvVars:      tg.Env(),
		NoColor:      true,
		// Plain `terraform init` must work offline with the CLI config from `make tools`.
		Upgrade: false,
	}
	if cfg.Quiet {
		opts.Logger = logger.Discard
	}
	destroy := cfg.Teardown == Destroy || cfg.Teardown == DestroyOnAWS && !tg.Local()
	return &Stack{Options: opts, target: tg, name: cfg.Name, copyDir: tmp, destroy: destroy}, nil
}

// Destroys reports whether Teardown runs terraform destroy on this target.
func (s *Stack) Destroys() bool { return s.destroy }

// Name is the stack's name variable.
func (s *Stack) Name() string { return s.name }

// Outputs reads the applied stack's outputs.
func (s *Stack) Outputs(t terratesting.TestingT) (traffic.Stack, error) {
	out, err := terraform.OutputAllE(t, s.Options)
	if err != nil {
		return traffic.Stack{}, err
	}
	return traffic.StackFromOutputs(out)
}

// Teardown destroys the stack when it Destroys, and then checks that nothing named after
// it is left; it does its work once, however often it is called. It removes the copy, except after a failed destroy on AWS: its state is
// then what finds the leftovers, and the error names the folder.
func (s *Stack) Teardown(t terratesting.TestingT) error {
	if s.done {
		return nil
	}
	s.done = true
	if !s.destroy {
		return os.RemoveAll(s.copyDir)
	}
	if _, err := terraform.DestroyE(t, s.Options); err != nil {
		return s.keep(fmt.Errorf("destroy %s: %w", s.name, err))
	}
	left, err := traffic.Leftovers(context.Background(), s.target.AWSConfig(), s.name)
	if err != nil {
		return s.keep(fmt.Errorf("after destroying %s: %w", s.name, err))
	}
	if len(left) > 0 {
		return s.keep(fmt.Errorf("destroying %s left %d resources: %v", s.name, len(left), left))
	}
	return os.RemoveAll(s.copyDir)
}

// keep leaves the copy with its state in place when the resources may outlive the run.
func (s *Stack) keep(err error) error {
	if s.target.Local() {
		return errors.Join(err, os.RemoveAll(s.copyDir))
	}
	return fmt.Errorf("%w (Terraform state kept in %s)", err, s.Options.TerraformDir)
}

// ForTest is New for a test: it fails the test when the copy fails, and tears the
// stack down in a cleanup step, which runs however the test ends.
func ForTest(t testing.TB, tg *target.Target, repoRoot, dist string, cfg Config) *Stack {
	t.Helper()
	s, err := New(tg, repoRoot, dist, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !s.destroy && !s.done && cfg.Teardown == DestroyOnAWS {
			t.Logf("not destroying %s: localaws discards every resource when it stops", s.name)
		}
		if err := s.Teardown(t); err != nil {
			t.Error(err)
		}
	})
	return s
}
