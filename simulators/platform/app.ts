import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { adminApp } from "./admin.ts";
import { batchApp, problem } from "./batch.ts";

/**
 * The e-commerce platform's API as the gateway sees it. The gateway's client
 * (src/platform/client.ts) and this simulator must agree on what follows.
 *
 * POST /v1/merchants/{merchantId}/{entity}/batch          entity: products | inventory | prices
 *   Authorization: Bearer <token>, Idempotency-Key: <1–255 chars>, Content-Type: application/json
 *   body { "items": [record, …] } with 1–1000 items, each with a non-empty string `sku`
 *   200 { "results": [{ "sku", "status": "accepted" | "rejected", "error"? }], "replayed": false }
 *       one result per item, in order. A product `{ sku, active: false }` (nothing else) is a
 *       deactivation: the product keeps what it had and becomes inactive (an unknown sku is
 *       stored as just that). Rejected: sku not a non-empty string; other products without
 *       a name; inventory stock not a non-negative integer; prices without a non-negative price
 *       and a 3-letter uppercase currency; any sku in the merchant's `rejectSkus`.
 *   Idempotency, keys scoped per merchant: the same key with the same entity and items (compared
 *   by a hash of their canonical JSON, so key order does not matter) answers the stored results
 *   again with `"replayed": true` and header `Idempotent-Replayed: true`, storing nothing; the
 *   same key with anything else is a 422 IDEMPOTENCY_KEY_REUSED. Only 200 answers are
 *   remembered: after a 400 or an injected failure the same key may be used again.
 *   Errors are { "error": "…", "code": "…" }: 401 UNAUTHORIZED (missing or wrong token),
 *   404 UNKNOWN_ENTITY, 400 IDEMPOTENCY_KEY_REQUIRED / INVALID_BODY, 422 IDEMPOTENCY_KEY_REUSED,
 *   injected 429 RATE_LIMITED (with Retry-After) and INJECTED_FAILURE (failStatus, 500 by default).
 *   Checked in this order: token, entity, latency and injected faults, key, body, idempotency.
 *
 * Test controls, per merchant and without a token:
 * PUT    /__sim/merchants/{merchantId}/faults   replaces the faults in force:
 *        { passNext?: n, failNext?: n, failStatus?: 400–599, rateLimitNext?: n, retryAfterSeconds?: s (1),
 *          errorRate?: 0..1, seed?: int (1), latencyMs?: ms, rejectSkus?: [sku, …] }
 *        after passNext batch requests go through, the next failNext answer failStatus, then the next rateLimitNext answer
 *        429, then each fails with probability errorRate (seeded, so reproducible).
 * GET    /__sim/merchants/{merchantId}/faults   the faults in force, counters as they stand
 * DELETE /__sim/merchants/{merchantId}          forgets records, keys, faults and the log
 * GET    /__sim/merchants/{merchantId}/{entity}[?sku=]
 *        { count, items: [latest record per sku, by sku], writes: { sku: accepted non-replayed writes } }
 * GET    /__sim/merchants/{merchantId}/requests
 *        { count, requests: [{ entity, idempotencyKey, items, status, replayed, injected, at }] }
 *        every batch request, in arrival order
 *
 * State lives in module-level Maps of this one simulator process.
 */
export const platformApp = new Hono<{ Bindings: SimEnv }>();

platformApp.route("/", batchApp);
platformApp.route("/", adminApp);
platformApp.all("*", (c) => problem(c, 404, "NOT_FOUND", `no route ${c.req.method} ${c.req.path}`));
platformApp.onError((err, c) => problem(c, 500, "INTERNAL", `simulator failed: ${err.message}`));
