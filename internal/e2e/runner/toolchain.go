package runner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

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

// DistDir is where `make build` put the zips (DIST_DIR, else dist under root).
func DistDir(root string) (string, error) {
	dir := os.Getenv("DIST_DIR")
	if dir == "" {
		dir = filepath.Join(root, "dist")
	}
	return filepath.Abs(dir)
}

// CheckZips fails with the fix when the zips for arch are missing.
func CheckZips(dist, arch string) error {
	for _, fn := range []string{"router", "tenant-worker", "tenant-worker-python", "tenant-worker-node"} {
		p := filepath.Join(dist, arch, fn+".zip")
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s is missing: run `make build ARCH=%s`", p, arch)
		}
	}
	return nil
}

// RepoRoot finds the repository root from the working directory (the folder with go.mod).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the repository")
		}
		dir = parent
	}
}
