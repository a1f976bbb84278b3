import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SimEnv } from "../index.ts";
import { takeInjectedFailure } from "./faults.ts";
import {
  type BatchResult,
  type Entity,
  type Item,
  isEntity,
  logRequest,
  type MerchantState,
  merchant,
  type RequestLogEntry,
} from "./state.ts";
import { isDeactivation, readItems, recordProblem } from "./validate.ts";

type Ctx = Context<{ Bindings: SimEnv }>;

/** `POST /v1/merchants/{merchantId}/{entity}/batch`; see app.ts for the contract. */
export const batchApp = new Hono<{ Bindings: SimEnv }>();

batchApp.post("/v1/merchants/:merchantId/:entity/batch", async (c) => {
  const state = merchant(c.req.param("merchantId"));
  // Logged on arrival, so the log keeps arrival order even when latency is injected.
  const entry = logRequest(state, {
    entity: c.req.param("entity"),
    idempotencyKey: c.req.header("idempotency-key") ?? null,
    items: 0,
    status: 0,
    replayed: false,
    injected: false,
    at: new Date().toISOString(),
  });
  const res = await handleBatch(c, state, entry);
  entry.status = res.status;
  return res;
});

async function handleBatch(c: Ctx, state: MerchantState, entry: RequestLogEntry): Promise<Response> {
  // Read the body whatever the answer: workerd reports an uncaught error when a response is
  // sent while the caller is still streaming a body nobody read.
  const raw = await c.req.text();
  if (!authorized(c)) return problem(c, 401, "UNAUTHORIZED", "missing or wrong bearer token");
  const entity = c.req.param("entity") ?? "";
  if (!isEntity(entity)) return problem(c, 404, "UNKNOWN_ENTITY", `no entity "${entity}"`);

  if (state.faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, state.faults.latencyMs));
  const injected = takeInjectedFailure(state);
  if (injected) {
    entry.injected = true;
    if (injected.retryAfterSeconds !== undefined) c.header("Retry-After", String(injected.retryAfterSeconds));
    return problem(c, injected.status as ContentfulStatusCode, injected.code, injected.error);
  }

  const key = c.req.header("idempotency-key") ?? "";
  if (key.length < 1 || key.length > 255) {
    return problem(c, 400, "IDEMPOTENCY_KEY_REQUIRED", "Idempotency-Key header of 1 to 255 characters is required");
  }
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    return problem(c, 400, "INVALID_BODY", "Content-Type must be application/json");
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return problem(c, 400, "INVALID_BODY", "body is not valid JSON");
  }
  const read = readItems(body);
  if ("problem" in read) return problem(c, 400, "INVALID_BODY", read.problem);
  entry.items = read.items.length;
  const fingerprint = await sha256Hex(canonicalJson({ entity, items: read.items }));

  // No await from here on: the check of the key and the storing of its answer must not be
  // interleaved with a concurrent request carrying the same key.
  const previous = state.answers.get(key);
  if (previous) {
    if (previous.fingerprint !== fingerprint) {
      return problem(c, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key was already used with a different request");
    }
    entry.replayed = true;
    c.header("Idempotent-Replayed", "true");
    return c.json({ results: previous.results, replayed: true });
  }
  const results = store(state, entity, read.items);
  state.answers.set(key, { fingerprint, results });
  return c.json({ results, replayed: false });
}

function store(state: MerchantState, entity: Entity, items: Item[]): BatchResult[] {
  const records = state.records[entity];
  return items.map((item): BatchResult => {
    const sku = typeof item.sku === "string" ? item.sku : "";
    const error = recordProblem(entity, item) ?? (state.rejectSkus.has(sku) ? "rejected (rejectSkus)" : null);
    if (error) return { sku, status: "rejected", error };
    const previous = records.get(sku);
    const record = entity === "products" && isDeactivation(item) ? { ...previous?.record, ...item } : item;
    records.set(sku, { record, writes: (previous?.writes ?? 0) + 1 });
    return { sku, status: "accepted" };
  });
}

function authorized(c: Ctx): boolean {
  const expected = c.env.PLATFORM_TOKEN;
  // Without a configured token nobody gets in, rather than everybody.
  return !!expected && c.req.header("authorization") === `Bearer ${expected}`;
}

/** The platform's error shape: `{ error, code }`. */
export function problem(c: Context, status: ContentfulStatusCode, code: string, error: string): Response {
  return c.json({ error, code }, status);
}

// The simulator stands for an external system, so it keeps its own copies of these two helpers
// instead of importing the gateway's.
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
