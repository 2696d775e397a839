// Package target says where an e2e stack runs, localaws or an AWS account, and returns
// the settings that reach it (for Terraform's environment and the SDK) instead of
// setting them process-wide. On localaws it also reads the emulator's process table and
// drives its fault injection.
package target

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// Names of the targets, as TEST_TARGET spells them.
const (
	Localaws = "localaws"
	AWS      = "aws"
)

// Target is where the stack runs: an in-process localaws, or whatever the ambient AWS
// settings reach (an account, or an endpoint named by AWS_ENDPOINT_URL).
type Target struct {
	name string
	// Arch is the Go architecture the zips were built for: "arm64" or "amd64".
	Arch   string
	env    map[string]string
	cfg    aws.Config
	server *localaws.Server
}

// FromEnv reads TEST_TARGET (localaws, the default, or aws), LAMBDA_ARCH and
// LOCALAWS_IAM (on, the default, or off) through getenv, and starts localaws on a free
// loopback port when it is the target. Close the
// target when done. When the start fails nothing is left running or on disk.
func FromEnv(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*Target, error) {
	name := getenv("TEST_TARGET")
	if name == "" {
		name = Localaws
	}
	arch := getenv("LAMBDA_ARCH")
	switch name {
	case AWS:
		if arch == "" {
			arch = "arm64"
		}
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("TEST_TARGET=aws: %w", err)
		}
		return &Target{name: name, Arch: arch, env: map[string]string{}, cfg: cfg}, nil
	case Localaws:
		if arch == "" {
			arch = runtime.GOARCH
		}
		mode, err := localaws.ParseIAMMode(getenv("LOCALAWS_IAM"))
		if err != nil {
			return nil, err
		}
		return startLocal("127.0.0.1:0", arch, mode, logger)
	default:
		return nil, fmt.Errorf("TEST_TARGET=%q: use localaws (default) or aws", name)
	}
}

// StartLocal starts an in-process localaws on a free loopback port for zips of arch.
func StartLocal(arch string, logger *slog.Logger) (*Target, error) {
	return startLocal("127.0.0.1:0", arch, localaws.DefaultIAM, logger)
}

// StartLocalWith is StartLocal with IAM enforcement as iam says.
func StartLocalWith(arch string, iam localaws.IAMMode, logger *slog.Logger) (*Target, error) {
	return startLocal("127.0.0.1:0", arch, iam, logger)
}

func startLocal(addr, arch string, iam localaws.IAMMode, logger *slog.Logger) (*Target, error) {
	srv, err := localaws.New(localaws.Config{Addr: addr, Logger: logger, IAM: iam})
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		// New made a state directory; Close removes it.
		return nil, errors.Join(err, srv.Close())
	}
	const region, key = "us-east-1", "test"
	return &Target{name: Localaws, Arch: arch, server: srv,
		env: map[string]string{
			"AWS_ENDPOINT_URL":      srv.URL(),
			"AWS_ACCESS_KEY_ID":     key,
			"AWS_SECRET_ACCESS_KEY": key,
			"AWS_REGION":            region,
			"AWS_DEFAULT_REGION":    region,
			// Keep the provider away from instance metadata, shared profiles and stray session tokens.
			"AWS_EC2_METADATA_DISABLED": "true",
			"AWS_PROFILE":               "",
			"AWS_SESSION_TOKEN":         "",
		},
		cfg: aws.Config{Region: region, BaseEndpoint: aws.String(srv.URL()),
			Credentials: credentials.NewStaticCredentialsProvider(key, key, "")},
	}, nil
}

// EnforcesIAM reports whether the target refuses what IAM does not allow: always in an
// account, and on localaws unless it runs with -iam=off.
func (t *Target) EnforcesIAM() bool { return t.server == nil || t.server.IAM() == localaws.IAMOn }

// Name is "localaws" or "aws".
func (t *Target) Name() string { return t.name }

// Local reports whether the target is localaws.
func (t *Target) Local() bool { return t.server != nil }

// URL is localaws's endpoint, or "" on AWS.
func (t *Target) URL() string {
	if t.server == nil {
		return ""
	}
	return t.server.URL()
}

// Env is what Terraform needs in its environment, on top of this process's, to reach
// the target. An empty value clears a variable. The map is a copy.
func (t *Target) Env() map[string]string {
	out := make(map[string]string, len(t.env))
	for k, v := range t.env {
		out[k] = v
	}
	return out
}

// AWSConfig is the SDK config that reaches the target.
func (t *Target) AWSConfig() aws.Config { return t.cfg.Copy() }

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
