// localaws's runtime interface client for Node.js functions.
//
// It speaks the Lambda Runtime API as AWS's client (aws-lambda-nodejs-runtime-interface-client)
// does: it resolves _HANDLER ("file.function", "dir/file.function", "file.object.function")
// against LAMBDA_TASK_ROOT, loading .mjs as an ES module, .cjs as CommonJS and .js by the
// nearest package.json's "type"; it reports a handler that cannot be loaded to
// /runtime/init/error, then loops over /invocation/next, calling the handler with the event,
// a context object and a callback, and posts its result or its error in AWS's shape.
// Node's own modules only.

import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import util from "node:util";

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const slash = api.indexOf("/");
const [hostPort, prefix] = slash < 0 ? [api, ""] : [api.slice(0, slash), api.slice(slash)];
const [host, port] = hostPort.split(":");
const base = `${prefix}/2018-06-01/runtime`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: base + urlPath, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function post(urlPath, payload, errorType) {
  const headers = { "Content-Type": "application/json" };
  if (errorType) headers["Lambda-Runtime-Function-Error-Type"] = errorType;
  return request("POST", urlPath, payload, headers);
}

// An error of loading the handler, named as AWS names it.
class FaultError extends Error {
  constructor(errorType, message, cause) {
    super(message);
    this.name = errorType;
    this.cause = cause;
  }
}

function errorBody(err) {
  if (err instanceof FaultError) {
    const stack = err.cause && err.cause.stack ? String(err.cause.stack).split("\n") : [];
    return { errorType: err.name, errorMessage: err.message, stackTrace: stack };
  }
  if (err instanceof Error) {
    return {
      errorType: err.name || "Error",
      errorMessage: err.message,
      stackTrace: String(err.stack || "").split("\n").slice(1).map((l) => l.trim()),
    };
  }
  return { errorType: typeof err === "string" ? "string" : typeof err, errorMessage: String(err), stackTrace: [] };
}

// moduleType reads "type" from the nearest package.json between dir and the task root.
function moduleType(dir, root) {
  for (let d = dir; ; d = path.dirname(d)) {
    const pkg = path.join(d, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, "utf8")).type || "commonjs";
      } catch {
        return "commonjs";
      }
    }
    if (d === root || d === path.dirname(d)) return "commonjs";
  }
}

async function loadModule(root, moduleRoot, name) {
  const base = path.resolve(root, moduleRoot, name);
  const require = createRequire(path.join(root, "noop.js"));
  for (const ext of [".js", ".mjs", ".cjs"]) {
    const file = base + ext;
    if (!fs.existsSync(file)) continue;
    const esm = ext === ".mjs" || (ext === ".js" && moduleType(path.dirname(file), root) === "module");
    return esm ? import(pathToFileURL(file).href) : require(file);
  }
  // A directory with an index file, or a package in node_modules.
  return require(fs.existsSync(base) ? base : name);
}

// loadHandler resolves "dir/file.fn" or "file.obj.fn" to a function.
export async function loadHandler(root, handler) {
  const slash = handler.lastIndexOf("/");
  const moduleRoot = handler.slice(0, slash + 1);
  const rest = handler.slice(slash + 1);
  const dot = rest.indexOf(".");
  if (dot <= 0 || dot === rest.length - 1) {
    throw new FaultError("Runtime.MalformedHandlerName", `Bad handler ${handler}`);
  }
  const name = rest.slice(0, dot);
  const fnPath = rest.slice(dot + 1);
  let mod;
  try {
    mod = await loadModule(root, moduleRoot, name);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new FaultError("Runtime.UserCodeSyntaxError", `${e.name}: ${e.message}`, e);
    }
    if (e && (e.code === "MODULE_NOT_FOUND" || e.code === "ERR_MODULE_NOT_FOUND")) {
      throw new FaultError("Runtime.ImportModuleError", `Error: ${e.message}`, e);
    }
    throw e;
  }
  let fn = mod;
  for (const part of fnPath.split(".")) {
    fn = fn == null ? undefined : fn[part];
    // An ES module imported from CommonJS may keep its exports under default.
    if (fn === undefined && mod.default && part === fnPath.split(".")[0]) fn = mod.default[part];
  }
  if (fn === undefined) {
    throw new FaultError("Runtime.HandlerNotFound", `${handler} is undefined or not exported`);
  }
  if (typeof fn !== "function") {
    throw new FaultError("Runtime.HandlerNotFound", `${handler} is not a function`);
  }
  return fn;
}

// The invocation log lines belong to.
const current = { requestId: undefined, tenantId: undefined };

// Lambda's log formats for console.*: text lines "<time>\t<requestId>\t<LEVEL>\t<message>",
// or JSON records with requestId and, for tenant-isolated functions, tenantId.
function patchConsole() {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT === "JSON";
  const levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
  const min = levels.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL || "TRACE").toUpperCase());
  const write = (level) => (...args) => {
    if (json && levels.indexOf(level) < min) return;
    const time = new Date().toISOString();
    if (!json) {
      process.stdout.write(`${time}\t${current.requestId ?? "undefined"}\t${level}\t${util.format(...args)}\n`);
      return;
    }
    const rec = { timestamp: time, level, requestId: current.requestId };
    if (current.tenantId !== undefined) rec.tenantId = current.tenantId;
    const only = args.length === 1 ? args[0] : undefined;
    if (only instanceof Error) Object.assign(rec, errorBody(only), { message: util.format(only) });
    else rec.message = only !== null && typeof only === "object" ? only : util.format(...args);
    process.stdout.write(JSON.stringify(rec) + "\n");
  };
  console.trace = write("TRACE");
  console.debug = write("DEBUG");
  console.info = write("INFO");
  console.log = write("INFO");
  console.warn = write("WARN");
  console.error = write("ERROR");
  console.fatal = write("FATAL");
}

function makeContext(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"] || 0);
  const ctx = {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    tenantId: headers["lambda-runtime-aws-tenant-id"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
  return ctx;
}

// emptyEventLoop resolves once nothing but this client keeps the process busy.
function emptyEventLoop() {
  return new Promise((resolve) => process.once("beforeExit", resolve));
}

// invoke runs the handler once and settles on its promise, its callback, or, for a
// handler that does neither, the end of its work (Lambda then answers null).
function invoke(handler, event, ctx) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (err, result) => {
      if (settled) return;
      settled = true;
      resolve({ err, result });
    };
    const callback = (err, result) => {
      if (ctx.callbackWaitsForEmptyEventLoop) emptyEventLoop().then(() => settle(err, result));
      else settle(err, result);
    };
    ctx.succeed = (result) => callback(null, result);
    ctx.fail = (err) => callback(err ?? "handled");
    ctx.done = callback;
    let out;
    try {
      out = handler(event, ctx, callback);
    } catch (e) {
      settle(e);
      return;
    }
    if (out && typeof out.then === "function") out.then((r) => settle(null, r), (e) => settle(e ?? "undefined"));
    else if (handler.length < 3) emptyEventLoop().then(() => settle(null, null));
  });
}

async function main() {
  const root = process.env.LAMBDA_TASK_ROOT;
  process.chdir(root);
  patchConsole();
  let handler;
  try {
    handler = await loadHandler(root, process.env._HANDLER || "");
  } catch (e) {
    const body = errorBody(e instanceof FaultError ? e : e);
    console.error(JSON.stringify(body));
    await post("/init/error", JSON.stringify(body), body.errorType);
    process.exit(1);
  }
  let inflight = null;
  const fatal = async (e) => {
    const body = errorBody(e);
    console.error(e);
    if (inflight) await post(`/invocation/${inflight}/error`, JSON.stringify(body), body.errorType);
    process.exit(129);
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", (reason) => fatal(reason instanceof Error ? reason : new Error(String(reason))));
  for (;;) {
    const next = await request("GET", "/invocation/next");
    if (next.status !== 200) {
      console.error(`runtime API /next answered ${next.status}: ${next.body.toString().slice(0, 200)}`);
      process.exit(1);
    }
    const ctx = makeContext(next.headers);
    current.requestId = ctx.awsRequestId;
    current.tenantId = ctx.tenantId;
    inflight = ctx.awsRequestId;
    if (next.headers["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"];
    else delete process.env._X_AMZN_TRACE_ID;
    let event;
    try {
      event = next.body.length ? JSON.parse(next.body.toString()) : undefined;
    } catch (e) {
      event = next.body.toString();
    }
    const { err, result } = await invoke(handler, event, ctx);
    const urlPath = `/invocation/${ctx.awsRequestId}`;
    inflight = null;
    if (err !== null && err !== undefined) {
      const body = errorBody(err);
      console.error(Object.assign(new Error(body.errorMessage), { name: body.errorType, stack: err.stack }));
      await post(`${urlPath}/error`, JSON.stringify(body), body.errorType);
      continue;
    }
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      const body = { errorType: "Runtime.MarshalError", errorMessage: `Unable to stringify response body: ${e.message}`, stackTrace: [] };
      await post(`${urlPath}/error`, JSON.stringify(body), body.errorType);
      continue;
    }
    await post(`${urlPath}/response`, payload);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
