// The example tenant-isolated backend in Node.js (handler "index.handler").
//
// Per invocation it checks its tenant and writes one evidence record to EVIDENCE_QUEUE_URL, as the Go worker
// (lambda/tenant-worker) does. With TENANT_DATA_TABLE it first writes an item under its own tenant's key with
// credentials scoped to that tenant (TENANT_ACCESS_ROLE_ARN, assumed with session tag TenantId), and on a message
// whose body names "probe_tenant" it tries to read that tenant's data and records the refusal. Copy it as a starting point for an isolated handler: the tenant comes from the
// invocation context, never from the payload, and a guard fails loudly if this execution environment ever sees a
// second tenant.
import { randomBytes } from "node:crypto";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { DynamoDBClient, PutItemCommand, GetItemCommand, QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";

const queueUrl = (process.env.EVIDENCE_QUEUE_URL ?? "").trim();
if (!/^https?:\/\//.test(queueUrl)) {
  // Fails the init phase: Lambda reports it as an init error, with this message.
  throw new Error(`EVIDENCE_QUEUE_URL: set it to the URL of the queue that receives evidence records, not "${queueUrl}"`);
}

const table = (process.env.TENANT_DATA_TABLE ?? "").trim();
const roleArn = (process.env.TENANT_ACCESS_ROLE_ARN ?? "").trim();
if (table && !roleArn.startsWith("arn:")) {
  throw new Error("TENANT_DATA_TABLE is set, so the worker needs TENANT_ACCESS_ROLE_ARN: apply the module with create_tenant_access_role = true");
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

// Credentials scoped to the environment's tenant: the tenant-access role, assumed with session tag TenantId. The
// tenant comes from tenantOf, that is, from the invocation context. The role is assumed once per environment and again
// five minutes before the credentials expire; later invocations make no STS call. Code that uses the execution role
// directly (the clients above) is not scoped by this.
const access = { sts: new STSClient({}), tenant: undefined, expires: 0, dynamodb: undefined };

async function scopedDynamoDB(tenant) {
  if (access.tenant !== undefined && tenant !== access.tenant) {
    throw new Error(`credentials of tenant "${access.tenant}" asked for tenant "${tenant}"`);
  }
  if (access.dynamodb === undefined || Date.now() >= access.expires - 5 * 60 * 1000) {
    const { Credentials: c } = await access.sts.send(new AssumeRoleCommand({
      RoleArn: roleArn,
      // STS allows letters, digits and _+=,.@- in session names; the tag, not the name, is trusted.
      RoleSessionName: `tenant-${tenant.replace(/[^\w+=,.@-]/g, "_")}`.slice(0, 64),
      DurationSeconds: 3600,
      Tags: [{ Key: "TenantId", Value: tenant }],
    }));
    access.tenant = tenant;
    access.expires = c.Expiration.getTime();
    access.dynamodb = new DynamoDBClient({
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
  }
  return access.dynamodb;
}

// The error code AWS answered a read that must be refused, "allowed", or the error of a call that got no answer.
async function outcome(db, command) {
  try {
    await db.send(command);
    return "allowed";
  } catch (err) {
    return err.$metadata ? err.name : `error: ${err.message}`;
  }
}

// The tenant a marked test message asks to read: "probe_tenant" in the body or an event's detail.
function probeTenant(body) {
  try {
    const doc = JSON.parse(body ?? "");
    return doc?.probe_tenant || doc?.detail?.probe_tenant || "";
  } catch {
    return "";
  }
}

// Puts the invocation's item under its own tenant's key and runs the probe a marked body asks for.
async function writeTenantData(db, tenant, record, body) {
  const sk = `evidence#${environmentId}#${String(record.invocation_seq).padStart(10, "0")}`;
  await db.send(new PutItemCommand({
    TableName: table,
    Item: {
      tenant_id: { S: tenant }, sk: { S: sk }, environment_id: { S: environmentId },
      message_id: { S: record.message_id ?? "" }, source: { S: record.source ?? "" },
    },
  }));
  const data = { sk };
  const other = probeTenant(body);
  if (other) {
    data.probe = {
      other_tenant: other,
      get_item: await outcome(db, new GetItemCommand({ TableName: table, Key: { tenant_id: { S: other }, sk: { S: "evidence#probe" } } })),
      query: await outcome(db, new QueryCommand({
        TableName: table, KeyConditionExpression: "tenant_id = :t", ExpressionAttributeValues: { ":t": { S: other } },
      })),
      scan: await outcome(db, new ScanCommand({ TableName: table, Limit: 1 })),
    };
  }
  return data;
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
  if (table) {
    record.data = await writeTenantData(await scopedDynamoDB(tenant), tenant, record, event.body);
  }
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
