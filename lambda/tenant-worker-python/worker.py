"""The example tenant-isolated backend in Python (handler "worker.handler").

Per invocation it checks its tenant and writes one evidence record to EVIDENCE_QUEUE_URL,
as the Go worker (lambda/tenant-worker) does. Copy it as a starting point for an isolated
handler: the tenant comes from the invocation context, never from the payload, and a
guard fails loudly if this execution environment ever sees a second tenant.
"""

import json
import logging
import os
import secrets

import boto3  # part of Lambda's Python runtime

# With the function's JSON log format, Lambda adds tenantId and requestId to every record.
logger = logging.getLogger()
logger.setLevel(logging.INFO)

QUEUE_URL = os.environ.get("EVIDENCE_QUEUE_URL", "").strip()
if not QUEUE_URL.startswith(("https://", "http://")):
    # Fails the init phase: Lambda reports it as an init error, with this message.
    raise RuntimeError("EVIDENCE_QUEUE_URL: set it to the URL of the queue that receives evidence records, "
                       "not %r" % QUEUE_URL)

sqs = boto3.client("sqs")  # honours AWS_ENDPOINT_URL, so the same code talks to AWS or to localaws
ENVIRONMENT_ID = secrets.token_hex(16)  # random, once per execution environment
PID = os.getpid()


class IsolationViolation(Exception):
    """This execution environment was handed a second tenant."""


class TenantGuard:
    """Binds the environment to the first tenant it serves; after a second one, every invocation fails."""

    def __init__(self):
        self.bound = None
        self.violation = None

    def check(self, context):
        tenant = context.tenant_id
        if not tenant:
            raise IsolationViolation("the invocation has no tenant ID: create the function with "
                                     "tenancy_config PER_TENANT and invoke it with a TenantId")
        if self.bound is None:
            self.bound = tenant
        if tenant != self.bound and self.violation is None:
            self.violation = tenant
        if self.violation is not None:
            logger.error("isolation violated", extra={"boundTenantId": self.bound, "receivedTenantId": tenant})
            raise IsolationViolation("environment bound to tenant %r received tenant %r" % (self.bound, tenant))
        return tenant


guard = TenantGuard()
invocations = 0


def handler(event, context):
    global invocations
    tenant = guard.check(context)
    if event.get("tenant_id") != tenant:
        logger.error("payload tenant mismatch", extra={"payloadTenantId": event.get("tenant_id"),
                                                        "messageId": event.get("message_id")})
        raise ValueError("payload names %r, invocation is for %r" % (event.get("tenant_id"), tenant))

    record = {
        "tenant_id": tenant,
        "environment_id": ENVIRONMENT_ID,
        "invocation_seq": invocations + 1,
        "cold_start": invocations == 0,
        "source": event.get("source"),
        "message_id": event.get("message_id"),
        "pid": PID,
    }
    message = {"QueueUrl": QUEUE_URL, "MessageBody": json.dumps(record)}
    if QUEUE_URL.endswith(".fifo"):
        message["MessageGroupId"] = tenant
        message["MessageDeduplicationId"] = "%s-%d" % (ENVIRONMENT_ID, record["invocation_seq"])
    sqs.send_message(**message)
    invocations += 1
    logger.info("evidence written", extra={"messageId": record["message_id"], "source": record["source"],
                                           "environmentId": ENVIRONMENT_ID, "invocationSeq": invocations,
                                           "coldStart": record["cold_start"]})
