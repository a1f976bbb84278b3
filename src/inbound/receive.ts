import { clientSource } from "../audit/security.ts";
import type { Config } from "../config.ts";
import { toHex } from "../crypto/encoding.ts";
import { type Db, getDb } from "../db/client.ts";
import { idPattern, newId } from "../db/ids.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { guardOf } from "../guard/client.ts";
import { AppError, type ErrorCode } from "../http/errors.ts";
import { RATE_LIMIT_PERIOD_SECONDS } from "../http/rate-limit.ts";
import { readLimited } from "../http/raw-body.ts";
import type { Logger } from "../observability/logger.ts";
import { readEnvelope } from "./envelope.ts";
import { isKnownEvent } from "./event-types.ts";
import type { HeldEvent } from "./held.ts";
import { loadReceiver, type Receiver, secretsAt } from "./receiver.ts";
import { type RefusalCause, recordRefusal } from "./refusals.ts";
import { countDuplicate, findByExternalId } from "./store.ts";
import { verifyUnknownIntegration, verifyWebhook } from "./verify/index.ts";

/** What the sender is answered. */
export type Receipt =
  | { kind: "accepted"; id: string; status: "received" | "unsupported" }
  | { kind: "duplicate"; id: string | null }
  /** WooCommerce's unsigned test delivery when a webhook is saved: answered 200, nothing stored. */
  | { kind: "ping" }
  | { kind: "refused"; error: AppError };

export interface Delivery {
  integrationId: string;
  request: Request;
  /** Work after the answer (counters), kept alive by the runtime. */
  defer: (promise: Promise<unknown>) => void;
  log: Logger;
}

const INTEGRATION_ID = idPattern("int");

/**
 * An incoming webhook, in the order the edge must do it: the raw body read within its limit,
 * the signature verified on those bytes before anything is parsed, then the envelope read, the
 * event id deduplicated by the integration's guard, the event stored and queued. Nothing slow
 * (no ERP, no platform) happens before the answer. Every refusal is counted for the merchant to
 * see — its cause and time, never the body or a header — and a sender refused too often is
 * answered 429 until the window passes.
 */
export async function receiveWebhook(env: Env, config: Config, delivery: Delivery): Promise<Receipt> {
  const { request, log } = delivery;
  // Made only when needed: a sender's stream of deliveries finds its receiver remembered.
  let handle: Db | undefined;
  const dbOf = () => {
    handle ??= getDb(env);
    return handle;
  };
  const now = Date.now();
  let receiver = INTEGRATION_ID.test(delivery.integrationId)
    ? await loadReceiver(config, dbOf, delivery.integrationId, now)
    : null;
  const integration = receiver?.integration;
  const body = await readLimited(request, config.maxWebhookBytes);

  const refuse = async (
    cause: RefusalCause,
    code: ErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) => {
    if (await overLimit(env, integration, request, log)) {
      if (integration) delivery.defer(count(dbOf(), integration, "rate_limited", "Too many refused deliveries", log));
      const retry = { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) };
      return refused("RATE_LIMITED", `Too many refused deliveries; try again in ${RATE_LIMIT_PERIOD_SECONDS} s`, retry);
    }
    if (integration) delivery.defer(count(dbOf(), integration, cause, message, log));
    return refused(code, message, headers);
  };

  // The limit is the same for every integration, so answering it before looking further tells a
  // prober nothing; after the unknown-integration answer, a 413 would say which ids are real.
  if (body === null)
    return refuse("too_large", "PAYLOAD_TOO_LARGE", `The body is larger than ${config.maxWebhookBytes} bytes`);
  if (!receiver || !integration) {
    // Answered exactly as a bad signature, after the same work, so ids cannot be probed.
    const verdict = await verifyUnknownIntegration({ body });
    if (verdict.ok) throw new Error("unreachable: an unknown integration verified");
    return refuse("bad_signature", verdict.code, verdict.message);
  }

  const { settings } = receiver;
  const verify = (r: Receiver) =>
    verifyWebhook({
      settings: r.settings,
      headers: request.headers,
      body,
      secrets: secretsAt(r, now),
      now,
    });
  let verdict = await verify(receiver);
  if (!verdict.ok && verdict.code !== "WEBHOOK_SIGNATURE_MISSING") {
    // Perhaps a secret rotated in since the isolate remembered the receiver: read it again.
    const fresh = await loadReceiver(config, dbOf, integration.id, now, { fresh: true });
    if (fresh) {
      receiver = fresh;
      verdict = await verify(fresh);
    }
  }
  if (!verdict.ok && settings.scheme === "woocommerce" && isWooPing(body)) return { kind: "ping" };
  if (!verdict.ok) return refuse(CAUSE_OF[verdict.code], verdict.code, verdict.message);
  if (receiver.integration.status === "paused") {
    // Not taken, so the sender keeps it and retries: nothing is lost while the merchant resumes.
    return refuse("paused", "SERVICE_UNAVAILABLE", "The integration is paused; deliver again once it is resumed", {
      "Retry-After": "300",
    });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    return refuse("unparsable", "MALFORMED_REQUEST", "The body is not UTF-8 JSON");
  }
  const envelope = readEnvelope(parsed, settings.scheme, request.headers);
  if (!envelope.ok) return refuse("unparsable", "VALIDATION_ERROR", `Invalid event: ${envelope.reason}`);
  const { type } = envelope.envelope;

  const externalId =
    verdict.eventId ??
    envelope.envelope.eventId ??
    `sha256:${toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", body)))}`;
  const id = newId("wev", now);
  const supported = isKnownEvent(type);
  const event: HeldEvent = {
    id,
    integrationId: integration.id,
    merchantId: integration.merchantId,
    externalId,
    type,
    status: supported ? "received" : "unsupported",
    version: envelope.envelope.version ?? verdict.timestampMs ?? now,
    payload: parsed,
    error: supported ? null : `The gateway does not process ${type} events`,
    receivedAt: now,
  };
  // One round trip: the guard deduplicates the id and holds the event in its storage, then
  // writes it to D1 and queues it (src/guard/integration-guard.ts, src/inbound/held.ts).
  const taken = await guardOf(env, integration.id).receive(receiver.guard, event);
  if (!taken.first) {
    const known = taken.ref ? { id: taken.ref } : await findByExternalId(dbOf(), integration.id, externalId);
    if (known && !taken.counted) delivery.defer(countDuplicate(dbOf(), known.id, new Date(now)).then(() => undefined));
    return { kind: "duplicate", id: known?.id ?? null };
  }
  if (!supported) {
    delivery.defer(
      count(dbOf(), integration, "unknown_type", `Events of type ${type.slice(0, 100)} are not processed`, log),
    );
    return { kind: "accepted", id, status: "unsupported" };
  }
  return { kind: "accepted", id, status: "received" };
}

/**
 * WooCommerce pings a webhook's URL when it is saved, with the form body `webhook_id=<n>` and no
 * signature, and refuses to save it unless answered 2xx (WC_Webhook::deliver_ping).
 */
const isWooPing = (body: Uint8Array) => body.length < 32 && /^webhook_id=\d+$/.test(new TextDecoder().decode(body));

const CAUSE_OF = {
  WEBHOOK_SIGNATURE_MISSING: "missing_signature",
  WEBHOOK_SIGNATURE_INVALID: "bad_signature",
  WEBHOOK_TIMESTAMP_STALE: "stale_timestamp",
} as const satisfies Record<string, RefusalCause>;

/** Counts a refusal after the answer; a failure to count is logged, never the sender's problem. */
function count(db: Db, integration: IntegrationRow, cause: RefusalCause, message: string, log: Logger) {
  return recordRefusal(
    db,
    { integrationId: integration.id, merchantId: integration.merchantId, cause, message },
    new Date(),
  )
    .then(() => undefined)
    .catch((error: unknown) => log.error("webhook refusal not counted", { cause, error: String(error) }));
}

/** Whether this refusal is one too many, for the integration or for the client. */
async function overLimit(env: Env, integration: IntegrationRow | undefined, request: Request, log: Logger) {
  const keys = [`client:${clientSource(request.headers.get("cf-connecting-ip"))}`];
  if (integration) keys.push(`integration:${integration.id}`);
  try {
    const results = await Promise.all(keys.map((key) => env.WEBHOOK_REFUSAL_LIMIT.limit({ key })));
    return results.some((r) => !r.success);
  } catch (error) {
    log.error("webhook refusal limiter unavailable", { error: String(error) });
    return false;
  }
}

const refused = (code: ErrorCode, message: string, headers: Record<string, string> = {}): Receipt => ({
  kind: "refused",
  error: new AppError(code, message, { headers }),
});
