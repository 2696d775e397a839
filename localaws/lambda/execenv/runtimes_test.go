package execenv_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
)

// These tests run the runtime clients on the host's real interpreters against the real
// Runtime API of a pool.

const pyApp = `
import os

def handler(event, context):
    return {
        "event": event,
        "tenant_id": context.tenant_id,
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "cwd": os.getcwd(),
        "task_root": os.environ["LAMBDA_TASK_ROOT"],
        "handler": os.environ["_HANDLER"],
        "pid": os.getpid(),
    }

def fail(event, context):
    raise ValueError("no such order: " + str(event["order"]))

def log(event, context):
    import logging
    logging.getLogger().info("order accepted")
    return None
`

const nodeCJS = `
exports.handler = async (event, context) => ({
  event,
  tenant_id: context.tenantId,
  aws_request_id: context.awsRequestId,
  function_name: context.functionName,
  function_version: context.functionVersion,
  memory_limit_in_mb: context.memoryLimitInMB,
  invoked_function_arn: context.invokedFunctionArn,
  log_group_name: context.logGroupName,
  log_stream_name: context.logStreamName,
  remaining_ms: context.getRemainingTimeInMillis(),
  cwd: process.cwd(),
  task_root: process.env.LAMBDA_TASK_ROOT,
  handler: process.env._HANDLER,
  pid: process.pid,
});
exports.fail = async (event) => { throw new RangeError("no such order: " + event.order); };
exports.callback = (event, context, callback) => {
  setTimeout(() => { context.late = true; }, 20);
  callback(null, { via: "callback", waited: context.callbackWaitsForEmptyEventLoop });
};
exports.nowait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => {}, 60000);
  callback(null, { via: "callback", waited: false });
};
exports.log = async () => { console.log("order accepted"); return null; };
exports.nested = { deeper: { handler: async () => ({ via: "nested" }) } };
`

// contextView is what the context handlers return.
type contextView struct {
	Event              map[string]any `json:"event"`
	TenantID           string         `json:"tenant_id"`
	AWSRequestID       string         `json:"aws_request_id"`
	FunctionName       string         `json:"function_name"`
	FunctionVersion    string         `json:"function_version"`
	MemoryLimitInMB    string         `json:"memory_limit_in_mb"`
	InvokedFunctionARN string         `json:"invoked_function_arn"`
	LogGroupName       string         `json:"log_group_name"`
	LogStreamName      string         `json:"log_stream_name"`
	RemainingMS        int            `json:"remaining_ms"`
	Cwd                string         `json:"cwd"`
	TaskRoot           string         `json:"task_root"`
	Handler            string         `json:"handler"`
	PID                int            `json:"pid"`
}

type fullError struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	StackTrace   []string `json:"stackTrace"`
}

func needInterpreter(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		// A failure, not a skip: the README lists python3 and node as requirements, and
		// a missing interpreter must not pass as a proven runtime.
		t.Fatalf("%s is not on PATH: install it (apt-get install python3 / nodejs) to run the managed runtime tests", name)
	}
}

func file(name, data string) zipFile { return zipFile{name: name, data: []byte(data), mode: 0o644} }

func managedFunction(t *testing.T, h *harness, name, runtime, handler string, files ...zipFile) execenv.Function {
	t.Helper()
	zipPath := makeZip(t, files...)
	return h.function(t, name, func(f *execenv.Function) {
		f.Runtime, f.Handler, f.ZipPath, f.CodeSHA256 = runtime, handler, zipPath, codeSHA(t, zipPath)
	})
}

func invokeRaw(t *testing.T, h *harness, fn execenv.Function, tenant, payload string) (execenv.Result, string) {
	t.Helper()
	id := core.NewUUID()
	res, err := h.pool.Invoke(context.Background(), fn, tenant, id, []byte(payload))
	require.NoError(t, err)
	return res, id
}

func TestManagedRuntimeContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil) // one pool: each case is a function of its own
	for i, tc := range []struct {
		name, interpreter, runtime, handler string
		files                               []zipFile
	}{
		{"python file.function", "python3", "python3.12", "app.handler", []zipFile{file("app.py", pyApp)}},
		{"python nested module dir/file.function", "python3", "python3.11", "src/orders/app.handler",
			[]zipFile{file("src/orders/app.py", pyApp)}},
		{"node CommonJS .js", "node", "nodejs22.x", "index.handler", []zipFile{file("index.js", nodeCJS)}},
		{"node CommonJS .cjs in a module package", "node", "nodejs20.x", "lib/index.handler",
			[]zipFile{file("package.json", `{"type":"module"}`), file("lib/index.cjs", nodeCJS)}},
		{"node ES module .mjs", "node", "nodejs22.x", "index.handler",
			[]zipFile{file("index.mjs", esm(nodeCJS))}},
		{"node ES module .js under package.json type module", "node", "nodejs22.x", "src/index.handler",
			[]zipFile{file("package.json", `{"type":"module"}`), file("src/index.js", esm(nodeCJS))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			needInterpreter(t, tc.interpreter)
			fn := managedFunction(t, h, fmt.Sprintf("ctx-%d", i), tc.runtime, tc.handler, tc.files...)
			res, id := invokeRaw(t, h, fn, "blue", `{"order":7}`)
			require.Empty(t, res.FunctionError, "payload %s\nlog:\n%s", res.Payload, envLog(t, h, res))
			var got contextView
			require.NoError(t, json.Unmarshal(res.Payload, &got))
			assert.Equal(t, map[string]any{"order": float64(7)}, got.Event)
			assert.Equal(t, "blue", got.TenantID)
			assert.Equal(t, id, got.AWSRequestID)
			assert.Equal(t, fn.Name, got.FunctionName)
			assert.Equal(t, "$LATEST", got.FunctionVersion)
			assert.Equal(t, "128", got.MemoryLimitInMB)
			assert.Equal(t, fn.ARN, got.InvokedFunctionARN)
			assert.Equal(t, "/aws/lambda/"+fn.Name, got.LogGroupName)
			assert.Contains(t, got.LogStreamName, res.EnvironmentID)
			assert.Greater(t, got.RemainingMS, 0)
			assert.LessOrEqual(t, got.RemainingMS, 5000)
			assert.Equal(t, got.TaskRoot, got.Cwd, "the handler runs in LAMBDA_TASK_ROOT")
			assert.Equal(t, tc.handler, got.Handler)

			// One environment per tenant, and the same one while it is warm.
			green, _ := invokeRaw(t, h, fn, "green", `{}`)
			again, _ := invokeRaw(t, h, fn, "blue", `{}`)
			assert.NotEqual(t, res.EnvironmentID, green.EnvironmentID)
			assert.Equal(t, res.EnvironmentID, again.EnvironmentID)
			assert.False(t, again.ColdStart)
			var greenView contextView
			require.NoError(t, json.Unmarshal(green.Payload, &greenView))
			assert.Equal(t, "green", greenView.TenantID)
			assert.NotEqual(t, got.PID, greenView.PID, "tenants never share a process")
		})
	}
}

// esm turns the CommonJS test module into an ES module with the same exports.
func esm(cjs string) string { return strings.ReplaceAll(cjs, "exports.", "export const ") }

func envLog(t *testing.T, h *harness, res execenv.Result) string {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(h.env.StateDir, "envs", res.EnvironmentID, "output.log"))
	return string(data)
}

func TestManagedRuntimeErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for i, tc := range []struct {
		name, interpreter, runtime, handler string
		files                               []zipFile
		errorType, message                  string
		stack                               bool
	}{
		{"python handler raising is an invoke error with its type and trace", "python3", "python3.12", "app.fail",
			[]zipFile{file("app.py", pyApp)}, "ValueError", "no such order: 7", true},
		{"python missing module is Runtime.ImportModuleError", "python3", "python3.12", "missing.handler",
			[]zipFile{file("app.py", pyApp)}, "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'", false},
		{"python missing function is Runtime.HandlerNotFound", "python3", "python3.12", "app.nothing",
			[]zipFile{file("app.py", pyApp)}, "Runtime.HandlerNotFound", "Handler 'nothing' missing on module 'app'", false},
		{"python syntax error is Runtime.UserCodeSyntaxError", "python3", "python3.12", "app.handler",
			[]zipFile{file("app.py", "def handler(:\n")}, "Runtime.UserCodeSyntaxError", "Syntax error in module 'app'", false},
		{"python handler without a function is Runtime.MalformedHandlerName", "python3", "python3.12", "app",
			[]zipFile{file("app.py", pyApp)}, "Runtime.MalformedHandlerName", "Bad handler 'app'", false},
		{"python module raising at import is an init error of its type", "python3", "python3.12", "app.handler",
			[]zipFile{file("app.py", "raise KeyError('TABLE_NAME')\n")}, "KeyError", "'TABLE_NAME'", true},
		{"node async handler rejecting is an invoke error with its type and trace", "node", "nodejs22.x", "index.fail",
			[]zipFile{file("index.js", nodeCJS)}, "RangeError", "no such order: 7", true},
		{"node missing module is Runtime.ImportModuleError", "node", "nodejs22.x", "missing.handler",
			[]zipFile{file("index.js", nodeCJS)}, "Runtime.ImportModuleError", "Error: Cannot find module 'missing'", false},
		{"node missing export is Runtime.HandlerNotFound", "node", "nodejs22.x", "index.nothing",
			[]zipFile{file("index.js", nodeCJS)}, "Runtime.HandlerNotFound", "index.nothing is undefined or not exported", false},
		{"node syntax error is Runtime.UserCodeSyntaxError", "node", "nodejs22.x", "index.handler",
			[]zipFile{file("index.mjs", "export const handler = async (event => 1;\n")}, "Runtime.UserCodeSyntaxError", "SyntaxError:", false},
		{"node handler without a function is Runtime.MalformedHandlerName", "node", "nodejs22.x", "index",
			[]zipFile{file("index.js", nodeCJS)}, "Runtime.MalformedHandlerName", "Bad handler index", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			needInterpreter(t, tc.interpreter)
			fn := managedFunction(t, h, fmt.Sprintf("errs-%d", i), tc.runtime, tc.handler, tc.files...)
			res, _ := invokeRaw(t, h, fn, "", `{"order":7}`)
			require.Equal(t, "Unhandled", res.FunctionError, "payload %s", res.Payload)
			var fe fullError
			require.NoError(t, json.Unmarshal(res.Payload, &fe), "payload %s", res.Payload)
			assert.Equal(t, tc.errorType, fe.ErrorType, "payload %s", res.Payload)
			assert.Contains(t, fe.ErrorMessage, tc.message)
			assert.NotNil(t, fe.StackTrace, "stackTrace is always a list")
			if tc.stack {
				assert.NotEmpty(t, fe.StackTrace)
			}
		})
	}
}

func TestNodeCallbacks(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "node")
	h := newHarness(t, nil)
	for _, tc := range []struct {
		name, handler, want string
	}{
		{"callback answers once the event loop is empty", "index.callback", `{"via":"callback","waited":true}`},
		{"callbackWaitsForEmptyEventLoop false answers at once", "index.nowait", `{"via":"callback","waited":false}`},
		{"a handler nested in exported objects resolves", "index.nested.deeper.handler", `{"via":"nested"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fn := managedFunction(t, h, strings.ReplaceAll(tc.handler, ".", "-"), "nodejs22.x", tc.handler,
				file("index.js", nodeCJS))
			res, _ := invokeRaw(t, h, fn, "", `{}`)
			require.Empty(t, res.FunctionError, "payload %s", res.Payload)
			assert.JSONEq(t, tc.want, string(res.Payload))
			second, _ := invokeRaw(t, h, fn, "", `{}`)
			assert.JSONEq(t, tc.want, string(second.Payload), "the environment serves again")
		})
	}
}

func TestManagedRuntimeJSONLogsCarryTenantID(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for i, tc := range []struct {
		name, interpreter, runtime, handler string
		files                               []zipFile
	}{
		{"python logging", "python3", "python3.12", "app.log", []zipFile{file("app.py", pyApp)}},
		{"node console.log", "node", "nodejs22.x", "index.log", []zipFile{file("index.js", nodeCJS)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			needInterpreter(t, tc.interpreter)
			fn := managedFunction(t, h, fmt.Sprintf("logs-%d", i), tc.runtime, tc.handler, tc.files...)
			fn.LogFormat = "JSON"
			res, id := invokeRaw(t, h, fn, "blue", `{}`)
			require.Empty(t, res.FunctionError, "payload %s", res.Payload)
			var found bool
			for line := range strings.Lines(envLog(t, h, res)) {
				var rec map[string]any
				if json.Unmarshal([]byte(line), &rec) != nil || rec["message"] != "order accepted" {
					continue
				}
				found = true
				assert.Equal(t, "blue", rec["tenantId"])
				assert.Equal(t, id, rec["requestId"])
				assert.Equal(t, "INFO", rec["level"])
			}
			assert.True(t, found, "the handler's line is in the log:\n%s", envLog(t, h, res))
		})
	}
}

func TestManagedRuntimeNamesItsInterpreterAndWarnsOnceOnAnotherVersion(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	h := newHarness(t, nil)
	// python3.9 is older than any interpreter these tests run on, so it always differs.
	fn := managedFunction(t, h, "old", "python3.9", "app.handler", file("app.py", pyApp))
	blue, _ := invokeRaw(t, h, fn, "blue", `{}`)
	green, _ := invokeRaw(t, h, fn, "green", `{}`)
	require.Empty(t, blue.FunctionError, "payload %s", blue.Payload)
	require.Empty(t, green.FunctionError, "payload %s", green.Payload)
	assert.Regexp(t, `INIT_START Runtime Version: python3\.9\tInterpreter: \S+python3\S* \(Python 3\.\d+\.\d+\)`,
		envLog(t, h, blue))
	assert.Equal(t, 1, strings.Count(h.warns.String(), "another interpreter version"),
		"one warning per function:\n%s", h.warns.String())
	assert.Contains(t, h.warns.String(), "install=python3.9")
}

func TestLayersAreOnTheModulePath(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for i, tc := range []struct {
		name, interpreter, runtime, handler string
		code, layer1, layer2                zipFile
	}{
		{"python imports from opt/python, the later layer winning", "python3", "python3.12", "app.handler",
			file("app.py", "import helper\ndef handler(e, c):\n    return helper.WHO\n"),
			file("python/helper.py", "WHO = 'first'\n"), file("python/helper.py", "WHO = 'second'\n")},
		{"node requires from opt/nodejs/node_modules, the later layer winning", "node", "nodejs22.x", "index.handler",
			file("index.js", "const helper = require('helper');\nexports.handler = async () => helper.who;\n"),
			file("nodejs/node_modules/helper/index.js", "exports.who = 'first';\n"),
			file("nodejs/node_modules/helper/index.js", "exports.who = 'second';\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			needInterpreter(t, tc.interpreter)
			fn := managedFunction(t, h, fmt.Sprintf("layered-%d", i), tc.runtime, tc.handler, tc.code)
			fn.Layers = []string{makeZip(t, tc.layer1), makeZip(t, tc.layer2)}
			res, _ := invokeRaw(t, h, fn, "", `{}`)
			require.Empty(t, res.FunctionError, "payload %s\n%s", res.Payload, envLog(t, h, res))
			assert.JSONEq(t, `"second"`, string(res.Payload))
		})
	}
}
