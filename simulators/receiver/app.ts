import { Hono } from "hono";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { SimEnv } from "../index.ts";

/**
 * A merchant's webhook receiver, for outgoing deliveries. It checks every delivery with the
 * `standardwebhooks` library — the reference implementation of the Standard Webhooks spec
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
 * not the gateway's own code — so a passing test means another implementation accepts what the
 * gateway signs.
 *
 *   POST /receiver/:key                   a delivery: verified with the secret of :key; a bad
 *                                         signature is answered 401, an unknown :key 404
 *   PUT  /receiver/__sim/:key/config      { secret, failNext?, failStatus? (500), retryAfter? (s),
 *                                           gone? (410), delayMs?, redirectTo? (302), answerBody? }
 *   GET  /receiver/__sim/:key/received    { count, deliveries } oldest first, every one recorded
 *                                         (duplicates too: tests check webhook-id themselves)
 *
 * State lives in a module-level Map, as long as the simulators Worker's isolate.
 */
export const receiverApp = new Hono<{ Bindings: SimEnv }>();

const ReceiverConfig = z.object({
  secret: z.string().min(1),
  /** Answer the next N verified deliveries with `failStatus`. */
  failNext: z.number().int().min(0).default(0),
  failStatus: z.number().int().min(400).max(599).default(500),
  /** Sent as `Retry-After` with the failures. */
  retryAfter: z.number().int().min(0).optional(),
  /** Answer 410 Gone to every verified delivery. */
  gone: z.boolean().default(false),
  /** Answer this late, to make the sender time out. */
  delayMs: z.number().int().min(0).max(60_000).default(0),
  /** Answer 302 with this Location. */
  redirectTo: z.string().optional(),
  /** The body of every answer (default `{"received":true}` or an error), e.g. to test truncation. */
  answerBody: z.string().optional(),
});
type ReceiverConfig = z.infer<typeof ReceiverConfig>;

export interface ReceivedDelivery {
  webhookId: string | null;
  timestamp: string | null;
  signature: string | null;
  signatureVerified: boolean;
  body: unknown;
  status: number;
  at: string;
}

const configs = new Map<string, ReceiverConfig>();
const received = new Map<string, ReceivedDelivery[]>();
const MAX_KEYS = 1000;

receiverApp.put("/__sim/:key/config", async (c) => {
  const parsed = ReceiverConfig.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
  remember(configs, c.req.param("key"), parsed.data);
  return c.json({ ok: true });
});

receiverApp.get("/__sim/:key/received", (c) => {
  const list = received.get(c.req.param("key")) ?? [];
  return c.json({ count: list.length, deliveries: list });
});

receiverApp.post("/:key", async (c) => {
  const key = c.req.param("key");
  const raw = await c.req.text();
  const headers = Object.fromEntries(c.req.raw.headers);
  const config = configs.get(key);
  const verified = config !== undefined && verifies(config.secret, raw, headers);
  const answer = decide(config, verified);
  const list = received.get(key) ?? [];
  list.push({
    webhookId: headers["webhook-id"] ?? null,
    timestamp: headers["webhook-timestamp"] ?? null,
    signature: headers["webhook-signature"] ?? null,
    signatureVerified: verified,
    body: parseBody(raw),
    status: answer.status,
    at: new Date().toISOString(),
  });
  remember(received, key, list);
  if (config && config.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.delayMs));
  return new Response(config?.answerBody ?? JSON.stringify(answer.body), {
    status: answer.status,
    headers: { "content-type": "application/json", ...answer.headers },
  });
});

function verifies(secret: string, raw: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(raw, headers);
    return true;
  } catch {
    return false;
  }
}

/** The answer to a delivery; a failure to come is used up only by a verified delivery. */
function decide(
  config: ReceiverConfig | undefined,
  verified: boolean,
): { status: number; body: unknown; headers: Record<string, string> } {
  if (!config) return { status: 404, body: { error: "no receiver configured under this key" }, headers: {} };
  if (!verified) return { status: 401, body: { error: "signature did not verify" }, headers: {} };
  if (config.gone) return { status: 410, body: { error: "gone" }, headers: {} };
  if (config.redirectTo) return { status: 302, body: { moved: true }, headers: { location: config.redirectTo } };
  if (config.failNext > 0) {
    config.failNext -= 1;
    const headers: Record<string, string> =
      config.retryAfter === undefined ? {} : { "retry-after": String(config.retryAfter) };
    return { status: config.failStatus, body: { error: "failing on purpose" }, headers };
  }
  return { status: 200, body: { received: true }, headers: {} };
}

function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.set(key, value);
  if (map.size > MAX_KEYS) map.delete(map.keys().next().value as string);
}
