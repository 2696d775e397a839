package target

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

var _ traffic.Target = (*Target)(nil)

func getenv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantName  string
		wantArch  string
		wantLocal bool
		wantErr   string
	}{
		{"localaws by default, for the host's zips", nil, Localaws, "", true, ""},
		{"localaws with the zips' architecture", map[string]string{"LAMBDA_ARCH": "arm64"}, Localaws, "arm64", true, ""},
		{"aws defaults to arm64 zips", map[string]string{"TEST_TARGET": "aws"}, AWS, "arm64", false, ""},
		{"aws with amd64 zips", map[string]string{"TEST_TARGET": "aws", "LAMBDA_ARCH": "amd64"}, AWS, "amd64", false, ""},
		{"an unknown target is refused", map[string]string{"TEST_TARGET": "moto"}, "", "", false, `TEST_TARGET="moto"`},
		{"localaws without IAM enforcement", map[string]string{"LOCALAWS_IAM": "off"}, Localaws, "", true, ""},
		{"an unknown IAM mode is refused", map[string]string{"LOCALAWS_IAM": "audit"}, "", "", false, `IAM mode "audit"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := FromEnv(context.Background(), getenv(tt.env), slog.New(slog.DiscardHandler))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want error with %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			if tg.Name() != tt.wantName || tg.Local() != tt.wantLocal || (tt.wantArch != "" && tg.Arch != tt.wantArch) {
				t.Errorf("got %s (local %v, arch %s)", tg.Name(), tg.Local(), tg.Arch)
			}
		})
	}
}

// TestLocalSettingsAreReturned checks that the settings that reach localaws are handed
// out, not written into this process's environment.
func TestLocalSettingsAreReturned(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://unchanged.invalid")
	t.Setenv("AWS_PROFILE", "unchanged")
	tg, err := StartLocal("amd64", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	env := tg.Env()
	if env["AWS_ENDPOINT_URL"] != tg.URL() || tg.URL() == "" {
		t.Errorf("AWS_ENDPOINT_URL = %q, want %q", env["AWS_ENDPOINT_URL"], tg.URL())
	}
	if v, ok := env["AWS_PROFILE"]; !ok || v != "" {
		t.Errorf("AWS_PROFILE must be cleared for Terraform, got %q (set %v)", v, ok)
	}
	if os.Getenv("AWS_ENDPOINT_URL") != "http://unchanged.invalid" || os.Getenv("AWS_PROFILE") != "unchanged" {
		t.Error("the process environment was changed")
	}
	if got := tg.AWSConfig(); got.BaseEndpoint == nil || *got.BaseEndpoint != tg.URL() || got.Region != "us-east-1" {
		t.Errorf("SDK config does not reach localaws: %+v", got)
	}
	env["AWS_REGION"] = "changed"
	if tg.Env()["AWS_REGION"] != "us-east-1" {
		t.Error("Env must return a copy")
	}
	if tg.TerraformArch() != "x86_64" {
		t.Errorf("amd64 zips are Lambda's x86_64, got %s", tg.TerraformArch())
	}
	envs, err := tg.Environments(context.Background())
	if err != nil || envs == nil || len(envs) != 0 {
		t.Errorf("a fresh localaws lists no environments: %v, %v", envs, err)
	}
}

// TestStartLeavesNothingWhenItFails fills the port localaws asks for, and checks that the
// failed start removed the state directory it had made.
func TestStartLeavesNothingWhenItFails(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := startLocal(ln.Addr().String(), "amd64", localaws.DefaultIAM, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("starting on a busy port must fail")
	}
	left, err := filepath.Glob(filepath.Join(tmp, "*"))
	if err != nil || len(left) > 0 {
		t.Errorf("a failed start left %v (%v)", left, err)
	}
}

func TestAdminOnAWSFailsWithoutACall(t *testing.T) {
	tg, err := FromEnv(context.Background(), getenv(map[string]string{"TEST_TARGET": "aws"}), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if envs, err := tg.Environments(ctx); envs != nil || err != nil {
		t.Errorf("on AWS there is no environment table: %v, %v", envs, err)
	}
	if err := tg.ClearFaults(ctx, "fn"); err == nil || !strings.Contains(err.Error(), "exist only on TEST_TARGET=localaws") {
		t.Errorf("fault injection on AWS must fail: %v", err)
	}
	if tg.URL() != "" || tg.Close() != nil {
		t.Error("an AWS target has no URL and nothing to close")
	}
}
