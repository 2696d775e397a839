"""localaws's runtime interface client for Python functions.

It speaks the Lambda Runtime API as AWS's client (awslambdaric) does: it resolves
_HANDLER ("file.function", "dir/file.function" or "pkg.module.function") against
LAMBDA_TASK_ROOT, reports a handler that cannot be loaded to /runtime/init/error,
and then loops over /invocation/next, calling the handler with the event and a
context object and posting its result or its error in AWS's shape. Standard
library only, so that any Python 3.9 or newer can run it.
"""

import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

RUNTIME_API = os.environ["AWS_LAMBDA_RUNTIME_API"]
HOST, _, PREFIX = RUNTIME_API.partition("/")
BASE = ("/" + PREFIX if PREFIX else "") + "/2018-06-01/runtime"


class FaultError(Exception):
    """An error of loading the handler, named as AWS names it."""

    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST)

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            try:
                self.conn.request(method, BASE + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                return resp, resp.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST)
                if attempt == 2:
                    raise

    def next(self):
        resp, body = self.request("GET", "/invocation/next")
        if resp.status != 200:
            raise SystemExit("runtime API /next answered %d: %s" % (resp.status, body[:200]))
        return resp.headers, body

    def post(self, path, payload, error_type=None):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        self.request("POST", path, body=payload, headers=headers)


def error_body(error_type, message, tb=None):
    body = {"errorMessage": message, "errorType": error_type, "stackTrace": []}
    if tb is not None:
        body["stackTrace"] = traceback.format_list(traceback.extract_tb(tb))
    return body


def load_handler(handler):
    """Imports the module a handler names and returns its function."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    if not modname or not fname:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s'" % handler)
    modname = modname.replace("/", ".")
    if modname.startswith("."):
        raise FaultError("Runtime.BadHandler", "Cannot use relative import: %s" % modname)
    try:
        module = importlib.import_module(modname)
    except SyntaxError as e:
        raise FaultError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e))
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e))
    fn = getattr(module, fname, None)
    if fn is None:
        raise FaultError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))
    return fn


class LambdaContext:
    """The context object: the same attributes as awslambdaric's, plus tenant_id."""

    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def __repr__(self):
        return "LambdaContext(aws_request_id=%r, function_name=%r, tenant_id=%r)" % (
            self.aws_request_id, self.function_name, self.tenant_id)


# The invocation the log records belong to, as awslambdaric keeps it.
current = {"requestId": None, "tenantId": None}


class JsonFormatter(logging.Formatter):
    """Lambda's JSON log format, with the invocation's requestId and tenantId."""

    def format(self, record):
        line = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + ".%03dZ" % record.msecs,
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": current["requestId"],
        }
        if current["tenantId"] is not None:
            line["tenantId"] = current["tenantId"]
        for k, v in record.__dict__.items():
            if k not in STANDARD_ATTRS and not k.startswith("_"):
                line[k] = v
        if record.exc_info:
            line["errorType"] = record.exc_info[0].__name__
            line["errorMessage"] = str(record.exc_info[1])
            line["stackTrace"] = traceback.format_tb(record.exc_info[2])
        return json.dumps(line, default=str)


STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


class TextFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = current["requestId"]
        return True


def setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
        handler.formatter.converter = time.gmtime
        handler.addFilter(TextFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper()
    root.setLevel({"TRACE": "DEBUG", "FATAL": "CRITICAL"}.get(level, level))


def log_error(body):
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":
        line = dict(body, timestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), level="ERROR",
                    requestId=current["requestId"])
        if current["tenantId"] is not None:
            line["tenantId"] = current["tenantId"]
        print(json.dumps(line), flush=True)
    else:
        print("[ERROR] %s: %s\n%s" % (body["errorType"], body["errorMessage"], "".join(body["stackTrace"])),
              flush=True)


def main():
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    # The function's code comes first, as in Lambda, not this file's directory.
    sys.path[:] = [p for p in sys.path if p != os.path.dirname(os.path.abspath(__file__))]
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    os.chdir(task_root)
    setup_logging()
    client = Client()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except FaultError as e:
        body = error_body(e.error_type, str(e))
        log_error(body)
        client.post("/init/error", json.dumps(body).encode(), e.error_type)
        sys.exit(1)
    except Exception as e:  # the module raised while it was imported
        body = error_body(type(e).__name__, str(e), e.__traceback__)
        log_error(body)
        client.post("/init/error", json.dumps(body).encode(), "Runtime.Unknown")
        sys.exit(1)

    while True:
        headers, payload = client.next()
        ctx = LambdaContext(headers)
        current["requestId"], current["tenantId"] = ctx.aws_request_id, ctx.tenant_id
        trace = headers.get("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        path = "/invocation/%s" % ctx.aws_request_id
        try:
            event = json.loads(payload) if payload else None
            result = handler(event, ctx)
        except Exception as e:
            err = error_body(type(e).__name__, str(e), e.__traceback__)
            err["requestId"] = ctx.aws_request_id
            log_error(err)
            sys.stdout.flush()
            client.post(path + "/error", json.dumps(err).encode(), err["errorType"])
            continue
        try:
            body = json.dumps(result).encode()
        except (TypeError, ValueError) as e:
            err = error_body("Runtime.MarshalError", "Unable to marshal response: %s" % e)
            err["requestId"] = ctx.aws_request_id
            log_error(err)
            client.post(path + "/error", json.dumps(err).encode(), err["errorType"])
            continue
        sys.stdout.flush()
        client.post(path + "/response", body)


if __name__ == "__main__":
    main()
