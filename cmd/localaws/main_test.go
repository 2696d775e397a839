package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/lambdazip"
)

// TestSIGTERMStopsEveryEnvironment runs the real command, starts one environment per
// tenant, sends SIGTERM and checks that the command exits cleanly and that no function
// process outlives it.
func TestSIGTERMStopsEveryEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "localaws")
	goBuild(t, bin, ".", nil)
	bootstrap := filepath.Join(dir, "bootstrap")
	goBuild(t, bootstrap, "../../localaws/lambda/testdata/tenantecho", []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + runtime.GOARCH})
	content, err := os.ReadFile(bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := lambdazip.Write(&zip, content); err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	// -iam=off: the function's role exists in no IAM; this test is about processes.
	cmd := exec.Command(bin, "-addr", addr, "-state-dir", filepath.Join(dir, "state"), "-iam=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	url := "http://" + addr
	waitHealthy(t, url)

	ctx := context.Background()
	client := lambda.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	arch := types.ArchitectureX8664
	if runtime.GOARCH == "arm64" {
		arch = types.ArchitectureArm64
	}
	_, err = client.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("echo"), Role: aws.String("arn:aws:iam::000000000000:role/echo"),
		Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Architectures: []types.Architecture{arch},
		Code:          &types.FunctionCode{ZipFile: zip.Bytes()},
		TenancyConfig: &types.TenancyConfig{TenantIsolationMode: types.TenantIsolationModePerTenant},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{"blue", "green"} {
		if _, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), TenantId: aws.String(tenant),
			Payload: []byte(`{}`)}); err != nil {
			t.Fatalf("invoke for %s: %v", tenant, err)
		}
	}
	pids := environmentPIDs(t, url)
	if len(pids) != 2 {
		t.Fatalf("want one environment per tenant, got PIDs %v", pids)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("localaws exited with %v after SIGTERM:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("localaws did not exit within 30 s of SIGTERM:\n%s", stderr.String())
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("environment process %d outlived localaws (kill -0: %v)", pid, err)
		}
	}
}

func goBuild(t *testing.T, out, pkg string, env []string) {
	t.Helper()
	build := exec.Command("go", "build", "-o", out, pkg)
	build.Env = append(os.Environ(), env...)
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, url string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/_localaws/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("localaws did not become healthy within 15 s")
}

func environmentPIDs(t *testing.T, url string) []int {
	t.Helper()
	resp, err := http.Get(url + "/_localaws/environments")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var envs []struct {
		PID      int    `json:"pid"`
		TenantID string `json:"tenant_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&envs); err != nil {
		t.Fatal(err)
	}
	var pids []int
	seen := map[int]string{}
	for _, e := range envs {
		if prev, ok := seen[e.PID]; ok {
			t.Fatalf("pid %d serves tenants %q and %q", e.PID, prev, e.TenantID)
		}
		seen[e.PID] = e.TenantID
		pids = append(pids, e.PID)
	}
	return pids
}

// TestFaultsFromTheEnvironment runs the command with LOCALAWS_FAULTS: a valid value is
// served at /_localaws/faults, an invalid one stops startup with exit status 2.
func TestFaultsFromTheEnvironment(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "localaws")
	goBuild(t, bin, ".", nil)

	bad := exec.Command(bin, "-addr", freeAddr(t))
	bad.Env = append(os.Environ(), `LOCALAWS_FAULTS={"backend":{"error_rate":2}}`)
	out, err := bad.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("want exit status 2 for an invalid LOCALAWS_FAULTS, got %v:\n%s", err, out)
	}
	if want := "LOCALAWS_FAULTS: function backend: error_rate must be between 0 and 1"; !bytes.Contains(out, []byte(want)) {
		t.Fatalf("want %q in the output, got:\n%s", want, out)
	}

	addr := freeAddr(t)
	cmd := exec.Command(bin, "-addr", addr)
	cmd.Env = append(os.Environ(), `LOCALAWS_FAULTS={"backend":{"latency_ms":25,"seed":3}}`)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// SIGTERM, so that the command removes its temporary state directory.
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	url := "http://" + addr
	waitHealthy(t, url)
	resp, err := http.Get(url + "/_localaws/faults/backend")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var entry struct {
		Config struct {
			LatencyMS int64 `json:"latency_ms"`
			Seed      int64 `json:"seed"`
		} `json:"config"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&entry); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || entry.Config.LatencyMS != 25 || entry.Config.Seed != 3 {
		t.Fatalf("GET /_localaws/faults/backend: status %d, config %+v", resp.StatusCode, entry.Config)
	}
}

// TestControlCallsLoggedAtExit runs the command the way the rehearsal of the account
// path does: on a port it picks, found in its log, and never asked for its health. It
// checks that the count of control calls logged at exit is the number made, and that
// AWS API calls do not count.
func TestControlCallsLoggedAtExit(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "localaws")
	goBuild(t, bin, ".", nil)
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(stderr); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	listening := regexp.MustCompile(`msg="localaws listening" url=(http://\S+)`)
	var url string
	for url == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("localaws exited before it listened")
			}
			if m := listening.FindStringSubmatch(line); m != nil {
				url = m[1]
			}
		case <-time.After(15 * time.Second):
			t.Fatal("localaws did not log where it listens within 15 s")
		}
	}

	client := sqs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := client.ListQueues(context.Background(), &sqs.ListQueuesInput{}); err != nil {
		t.Fatal(err)
	}
	environmentPIDs(t, url)
	environmentPIDs(t, url)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped := regexp.MustCompile(`msg=stopped control_calls=(\d+)`)
	var log []string
	for line := range lines {
		log = append(log, line)
		if m := stopped.FindStringSubmatch(line); m != nil {
			if m[1] != "2" {
				t.Fatalf("control_calls=%s, want 2", m[1])
			}
			return
		}
	}
	t.Fatalf("no control_calls at exit (%v) in:\n%s", cmd.Wait(), strings.Join(log, "\n"))
}
