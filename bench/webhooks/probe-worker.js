/**
 * Where a webhook's time goes: each route does one of the receiver's steps, with the gateway's
 * own functions and against the gateway's own bindings (the same D1 database, guard Durable
 * Object namespace, queue and limiter), after reading the body as the bare route does. A step's
 * cost is its median minus the bare route's, measured by turns in the same process.
 *
 * The integration row, its secrets and the configuration are kept after the first request so
 * that each route pays for its one step only (bench code; the gateway reads them per request).
 *
 * Plain JavaScript on purpose: `tsc -p scripts` checks bench/ with Node's types and the DOM
 * library, and would follow a TypeScript file from here into src/inbound, whose Web Crypto calls
 * type-check only against workers-types (the main tsconfig, which checks src/ itself).
 */
import { Hono } from "hono";
import { requireConfig } from "../../src/config.ts";
import { getDb } from "../../src/db/client.ts";
import { newId } from "../../src/db/ids.ts";
import { guardOf } from "../../src/guard/client.ts";
import { guardConfig } from "../../src/guard/config.ts";
import { enqueueEvent } from "../../src/inbound/enqueue.ts";
import { readEnvelope } from "../../src/inbound/envelope.ts";
import { receiveWebhook } from "../../src/inbound/receive.ts";
import { openSecrets, secretsInForce } from "../../src/inbound/secrets.ts";
import { webhookSettingsOf } from "../../src/inbound/settings-of.ts";
import { insertEvent } from "../../src/inbound/store.ts";
import { verifyWebhook } from "../../src/inbound/verify/index.ts";
import { findIntegration } from "../../src/integrations/store.ts";
import { createLogger } from "../../src/observability/logger.ts";

/** @type {Promise<{ config: object; integration: object; secrets: string[] }> | undefined} */
let known;

async function load(env, integrationId) {
  const db = getDb(env);
  const integration = await findIntegration(db, integrationId);
  if (!integration) throw new Error(`no integration ${integrationId}`);
  const config = await requireConfig(env);
  const secrets = await openSecrets(config, await secretsInForce(db, integrationId, new Date()));
  return { config, integration, secrets };
}

const eventIdOf = (body) => JSON.parse(new TextDecoder().decode(body)).eventId;

/** Each step: (env, what is known, the raw body, the headers) => its promise. */
const STEPS = {
  /** The client rate limit every request passes (src/http/rate-limit.ts). */
  limit: (env) => env.CLIENT_RATE_LIMIT.limit({ key: "client:bench" }),
  /** The configuration, as the receiver asks for it (remembered per `env` object). */
  config: (env) => requireConfig(env),
  /** The integration's row. */
  integration: (env, k) => findIntegration(getDb(env), k.integration.id),
  /** Its secrets in force, read and unsealed. */
  secrets: async (env, k) => openSecrets(k.config, await secretsInForce(getDb(env), k.integration.id, new Date())),
  /** The signature, the JSON and the envelope: CPU only. */
  verify: async (_env, k, body, headers) => {
    const settings = webhookSettingsOf(k.integration);
    const verdict = await verifyWebhook({ settings, headers, body, secrets: k.secrets, now: Date.now() });
    if (!verdict.ok) throw new Error(verdict.message);
    return readEnvelope(JSON.parse(new TextDecoder().decode(body)), settings.scheme, headers);
  },
  /** The dedupe alone: one call to the integration's guard. */
  sight: (env, k, body) =>
    guardOf(env, k.integration.id).sight(guardConfig(k.integration), `probe:${eventIdOf(body)}`, newId("wev")),
  /** Dedupe and hold: the one call the receiver makes (the guard writes D1 and queues afterwards). */
  take: (env, k, body) => guardOf(env, k.integration.id).receive(guardConfig(k.integration), heldEvent(k, body)),
  /** What holding saves the answer: the event's row in D1, as the receiver wrote it before. */
  insert: (env, k, body) => insertEvent(getDb(env), toRow(heldEvent(k, body))),
  /** The job on the priority queue (the guard sends it with the batch it writes). */
  send: (env, k) => enqueueEvent(env, { id: newId("wev"), integrationId: k.integration.id }),
};

function heldEvent(k, body) {
  const now = Date.now();
  return {
    id: newId("wev"),
    integrationId: k.integration.id,
    merchantId: k.integration.merchantId,
    externalId: `probe:${newId("x")}:${eventIdOf(body)}`,
    type: "product.updated",
    status: "received",
    version: now,
    payload: JSON.parse(new TextDecoder().decode(body)),
    error: null,
    receivedAt: now,
  };
}

function toRow(held) {
  const at = new Date(held.receivedAt);
  const row = { ...held, outcome: null, attempts: 0, duplicates: 0, processedAt: null, lastDuplicateAt: null };
  return { ...row, receivedAt: at, updatedAt: at };
}

const app = new Hono();

// The whole receiver (src/inbound/receive.ts) without the app around it (router, middleware).
app.post("/probe/receive/:integrationId", async (c) => {
  const receipt = await receiveWebhook(c.env, await requireConfig(c.env), {
    integrationId: c.req.param("integrationId"),
    request: c.req.raw,
    defer: (promise) => c.executionCtx.waitUntil(promise),
    log: createLogger("error", {}),
  });
  if (receipt.kind !== "accepted") throw new Error(`not accepted: ${receipt.kind}`);
  return c.json({ success: true, data: { id: receipt.id, status: receipt.status, duplicate: false } }, 202);
});

// How many events the integration's guard still holds (not yet written to D1).
app.get("/probe/held/:integrationId", async (c) => {
  known ??= load(c.env, c.req.param("integrationId"));
  const status = await guardOf(c.env, c.req.param("integrationId")).status(guardConfig((await known).integration));
  return c.json({ held: status.heldWebhookEvents });
});

app.post("/probe/:step/:integrationId", async (c) => {
  const step = STEPS[c.req.param("step")];
  if (!step) return c.json({ success: false }, 404);
  const body = new Uint8Array(await c.req.arrayBuffer());
  known ??= load(c.env, c.req.param("integrationId"));
  await step(c.env, await known, body, c.req.raw.headers);
  return c.json({ success: true, data: { id: null, status: "received", duplicate: false } }, 202);
});

export default app;
