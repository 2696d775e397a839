"""The example tenant-isolated backend in Python (handler "worker.handler").

Per invocation it checks its tenant and writes one evidence record to EVIDENCE_QUEUE_URL,
as the Go worker (lambda/tenant-worker) does. With TENANT_DATA_TABLE it first writes an item
under its own tenant's key with credentials scoped to that tenant (TENANT_ACCESS_ROLE_ARN,
assumed with session tag TenantId), and on a message whose body names "probe_tenant" it tries
to read that tenant's data and records the refusal. Copy it as a starting point for an isolated
handler: the tenant comes from the invocation context, never from the payload, and a
guard fails loudly if this execution environment ever sees a second tenant.
"""

import datetime
import json
import logging
import os
import re
import secrets

import boto3  # part of Lambda's Python runtime
from botocore.exceptions import ClientError

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

TABLE = os.environ.get("TENANT_DATA_TABLE", "").strip()
ROLE_ARN = os.environ.get("TENANT_ACCESS_ROLE_ARN", "").strip()
if TABLE and not ROLE_ARN.startswith("arn:"):
    raise RuntimeError("TENANT_DATA_TABLE is set, so the worker needs TENANT_ACCESS_ROLE_ARN: apply the module with "
                       "create_tenant_access_role = true")


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


class TenantAccess:
    """Credentials scoped to the environment's tenant: the tenant-access role, assumed with session tag TenantId.

    The tenant comes from the guard, that is, from the invocation context. The role is assumed once per
    environment and again five minutes before the credentials expire; later invocations make no STS call.
    Code that uses the execution role directly (the module-level clients) is not scoped by this.
    """

    RENEW_BEFORE = datetime.timedelta(minutes=5)

    def __init__(self, role_arn):
        self.role_arn = role_arn
        self.sts = boto3.client("sts")
        self.tenant = None
        self.expires = None
        self.dynamodb = None

    def client(self, tenant):
        if self.tenant is not None and tenant != self.tenant:
            raise IsolationViolation("credentials of tenant %r asked for tenant %r" % (self.tenant, tenant))
        now = datetime.datetime.now(datetime.timezone.utc)
        if self.dynamodb is None or now >= self.expires - self.RENEW_BEFORE:
            creds = self.sts.assume_role(
                RoleArn=self.role_arn,
                # STS allows letters, digits and _+=,.@- in session names; the tag, not the name, is trusted.
                RoleSessionName=("tenant-" + re.sub(r"[^\w+=,.@-]", "_", tenant, flags=re.ASCII))[:64],
                DurationSeconds=3600,
                Tags=[{"Key": "TenantId", "Value": tenant}],
            )["Credentials"]
            session = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                            aws_secret_access_key=creds["SecretAccessKey"],
                                            aws_session_token=creds["SessionToken"])
            self.tenant, self.expires, self.dynamodb = tenant, creds["Expiration"], session.client("dynamodb")
        return self.dynamodb


def outcome(call):
    """The error code AWS answered a read that must be refused, or "allowed"."""
    try:
        call()
        return "allowed"
    except ClientError as e:
        return e.response["Error"]["Code"]


def probe_tenant(body):
    """The tenant a marked test message asks to read: "probe_tenant" in the body or an event's detail."""
    try:
        doc = json.loads(body or "")
    except ValueError:
        return ""
    if not isinstance(doc, dict):
        return ""
    detail = doc.get("detail") if isinstance(doc.get("detail"), dict) else {}
    return doc.get("probe_tenant") or detail.get("probe_tenant") or ""


def write_tenant_data(db, tenant, record, body):
    """Puts the invocation's item under its own tenant's key and runs the probe a marked body asks for."""
    sk = "evidence#%s#%010d" % (ENVIRONMENT_ID, record["invocation_seq"])
    db.put_item(TableName=TABLE, Item={
        "tenant_id": {"S": tenant}, "sk": {"S": sk}, "environment_id": {"S": ENVIRONMENT_ID},
        "message_id": {"S": record["message_id"] or ""}, "source": {"S": record["source"] or ""},
    })
    data = {"sk": sk}
    other = probe_tenant(body)
    if other:
        data["probe"] = {
            "other_tenant": other,
            "get_item": outcome(lambda: db.get_item(TableName=TABLE, Key={
                "tenant_id": {"S": other}, "sk": {"S": "evidence#probe"}})),
            "query": outcome(lambda: db.query(TableName=TABLE, KeyConditionExpression="tenant_id = :t",
                                              ExpressionAttributeValues={":t": {"S": other}})),
            "scan": outcome(lambda: db.scan(TableName=TABLE, Limit=1)),
        }
    return data


guard = TenantGuard()
access = TenantAccess(ROLE_ARN) if TABLE else None
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
    if access is not None:
        record["data"] = write_tenant_data(access.client(tenant), tenant, record, event.get("body"))
    message = {"QueueUrl": QUEUE_URL, "MessageBody": json.dumps(record)}
    if QUEUE_URL.endswith(".fifo"):
        message["MessageGroupId"] = tenant
        message["MessageDeduplicationId"] = "%s-%d" % (ENVIRONMENT_ID, record["invocation_seq"])
    sqs.send_message(**message)
    invocations += 1
    logger.info("evidence written", extra={"messageId": record["message_id"], "source": record["source"],
                                           "environmentId": ENVIRONMENT_ID, "invocationSeq": invocations,
                                           "coldStart": record["cold_start"]})
