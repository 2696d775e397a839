// The example tenant-isolated backend in Node.js (handler "index.handler").
//
// Per invocation it checks its tenant and writes one evidence record to EVIDENCE_QUEUE_URL, as the Go worker
// (lambda/tenant-worker) does. Copy it as a starting point for an isolated handler: the tenant comes from the
// invocation context, never from the payload, and a guard fails loudly if this execution environment ever sees a
// second tenant.
import { randomBytes } from "node:crypto";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

const queueUrl = (process.env.EVIDENCE_QUEUE_URL ?? "").trim();
if (!/^https?:\/\//.test(queueUrl)) {
  // Fails the init phase: Lambda reports it as an init error, with this message.
  throw new Error(`EVIDENCE_QUEUE_URL: set it to the URL of the queue that receives evidence records, not "${queueUrl}"`);
}

const sqs = new SQSClient({}); // honours AWS_ENDPOINT_URL, so the same code talks to AWS or to localaws
const environmentId = randomBytes(16).toString("hex"); // random, once per execution environment
let invocations = 0;

// The guard binds the environment to the first tenant it serves; after a second one, every invocation fails.
const guard = { bound: undefined, violation: undefined };

function tenantOf(context) {
  const tenant = context.tenantId;
  if (!tenant) {
    throw new Error("the invocation has no tenant ID: create the function with tenancy_config PER_TENANT and invoke it with a TenantId");
  }
  guard.bound ??= tenant;
  if (tenant !== guard.bound) guard.violation ??= tenant;
  if (guard.violation !== undefined) {
    // With the function's JSON log format, Lambda adds tenantId and requestId to every console line.
    console.error({ event: "isolation violated", boundTenantId: guard.bound, receivedTenantId: tenant });
    throw new Error(`environment bound to tenant "${guard.bound}" received tenant "${tenant}"`);
  }
  return tenant;
}

export const handler = async (event, context) => {
  const tenant = tenantOf(context);
  if (event.tenant_id !== tenant) {
    console.error({ event: "payload tenant mismatch", payloadTenantId: event.tenant_id, messageId: event.message_id });
    throw new Error(`payload names "${event.tenant_id}", invocation is for "${tenant}"`);
  }

  const record = {
    tenant_id: tenant,
    environment_id: environmentId,
    invocation_seq: invocations + 1,
    cold_start: invocations === 0,
    source: event.source,
    message_id: event.message_id,
    pid: process.pid,
  };
  const message = { QueueUrl: queueUrl, MessageBody: JSON.stringify(record) };
  if (queueUrl.endsWith(".fifo")) {
    message.MessageGroupId = tenant;
    message.MessageDeduplicationId = `${environmentId}-${record.invocation_seq}`;
  }
  await sqs.send(new SendMessageCommand(message));
  invocations += 1;
  console.info({
    event: "evidence written", messageId: record.message_id, source: record.source,
    environmentId, invocationSeq: invocations, coldStart: record.cold_start,
  });
};
