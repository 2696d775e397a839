package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// Target is where the stack runs: localaws (the default) or a real AWS account.
type Target struct {
	Name string // "localaws" or "aws"
	// EnvVars are what Terraform and the SDK need to reach the target.
	EnvVars map[string]string
	// Arch is the Lambda architecture the zips were built for: "arm64" or "amd64".
	Arch   string
	server *localaws.Server
}

// TargetFromEnv reads TEST_TARGET (localaws|aws) and LAMBDA_ARCH. For localaws it
// starts an in-process localaws on a free loopback port and points this process's
// environment at it, so Terratest's helpers and the SDK reach it too.
func TargetFromEnv(logger *slog.Logger) (*Target, error) {
	name := os.Getenv("TEST_TARGET")
	if name == "" {
		name = "localaws"
	}
	arch := os.Getenv("LAMBDA_ARCH")
	switch name {
	case "aws":
		if arch == "" {
			arch = "arm64"
		}
		return &Target{Name: name, Arch: arch, EnvVars: map[string]string{}}, nil
	case "localaws":
	default:
		return nil, fmt.Errorf("TEST_TARGET=%q: use localaws (default) or aws", name)
	}
	if arch == "" {
		arch = hostArch()
	}
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", Logger: logger})
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	t := &Target{Name: name, Arch: arch, server: srv, EnvVars: map[string]string{
		"AWS_ENDPOINT_URL":      srv.URL(),
		"AWS_ACCESS_KEY_ID":     "test",
		"AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION":            "us-east-1",
		"AWS_DEFAULT_REGION":    "us-east-1",
		// Keep the SDK and provider away from instance metadata and shared profiles.
		"AWS_EC2_METADATA_DISABLED": "true",
		"AWS_PROFILE":               "",
		"AWS_SESSION_TOKEN":         "",
	}}
	for k, v := range t.EnvVars {
		if v == "" {
			os.Unsetenv(k)
			delete(t.EnvVars, k)
			continue
		}
		os.Setenv(k, v)
	}
	return t, nil
}

// Local reports whether the target is localaws.
func (t *Target) Local() bool { return t.server != nil }

// URL is localaws's endpoint, or "" on AWS.
func (t *Target) URL() string {
	if t.server == nil {
		return ""
	}
	return t.server.URL()
}

// TerraformArch maps the Go architecture to Lambda's name.
func (t *Target) TerraformArch() string {
	if t.Arch == "amd64" {
		return "x86_64"
	}
	return "arm64"
}

// Close stops localaws and every function process it started.
func (t *Target) Close() error {
	if t.server == nil {
		return nil
	}
	return t.server.Close()
}

// AWSConfig loads the SDK config for the target from the (already pointed) environment.
func (t *Target) AWSConfig(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx)
}

// Environments reads localaws's execution environment table; nil on AWS.
func (t *Target) Environments(ctx context.Context) ([]Environment, error) {
	if t.server == nil {
		return nil, nil
	}
	envs := []Environment{}
	if err := t.admin(ctx, http.MethodGet, "/_localaws/environments", nil, &envs); err != nil {
		return nil, err
	}
	return envs, nil
}

// admin calls one of localaws's /_localaws endpoints with an optional JSON body and
// decodes a JSON answer into out (when out is not nil).
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

// CheckToolchain fails with the fix when Terraform or the provider mirror is missing.
func CheckToolchain() error {
	if _, err := exec.LookPath("terraform"); err != nil {
		return fmt.Errorf("terraform is not on PATH: run the tests through `make test` (or `make tools` first), which installs it")
	}
	rc := os.Getenv("TF_CLI_CONFIG_FILE")
	if rc == "" {
		return fmt.Errorf("TF_CLI_CONFIG_FILE is not set: run the tests through `make test`, which points Terraform at the pinned hashicorp/aws provider built by `make tools`")
	}
	if _, err := os.Stat(rc); err != nil {
		return fmt.Errorf("TF_CLI_CONFIG_FILE=%s does not exist: run `make tools` to build the pinned hashicorp/aws provider", rc)
	}
	return nil
}

// DistDir is where `make build` put the zips (DIST_DIR, else ../dist from test/).
func DistDir() (string, error) {
	dir := os.Getenv("DIST_DIR")
	if dir == "" {
		dir = "../dist"
	}
	return filepath.Abs(dir)
}

// CheckZips fails with the fix when the zips for arch are missing.
func CheckZips(dist, arch string) error {
	for _, fn := range []string{"router", "tenant-worker"} {
		p := filepath.Join(dist, arch, fn+".zip")
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s is missing: run `make build ARCH=%s`", p, arch)
		}
	}
	return nil
}

func hostArch() string {
	out, err := exec.Command("go", "env", "GOARCH").Output()
	if err != nil {
		return "amd64"
	}
	return strings.TrimSpace(string(out))
}
