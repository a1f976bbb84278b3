import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { problem } from "./batch.ts";
import { FaultsSchema, setFaults } from "./faults.ts";
import { forgetMerchant, isEntity, merchant, peekMerchant } from "./state.ts";

/**
 * `/__sim/...`: fault injection and read-back for tests and humans. Not part of the platform's
 * API, so no bearer token; everything is per merchant so parallel test files stay apart.
 */
export const adminApp = new Hono<{ Bindings: SimEnv }>();

adminApp.put("/__sim/merchants/:merchantId/faults", async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return problem(c, 400, "INVALID_FAULTS", "body is not valid JSON");
  }
  const parsed = FaultsSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    return problem(c, 400, "INVALID_FAULTS", issues.join("; "));
  }
  const state = merchant(c.req.param("merchantId"));
  setFaults(state, parsed.data);
  return c.json(state.faults);
});

// Counters show what is left: after two of `failNext: 3` have fired, this says `failNext: 1`.
adminApp.get("/__sim/merchants/:merchantId/faults", (c) =>
  c.json(peekMerchant(c.req.param("merchantId"))?.faults ?? {}),
);

adminApp.delete("/__sim/merchants/:merchantId", (c) => {
  forgetMerchant(c.req.param("merchantId"));
  return c.body(null, 204);
});

adminApp.get("/__sim/merchants/:merchantId/requests", (c) => {
  const requests = peekMerchant(c.req.param("merchantId"))?.requests ?? [];
  return c.json({ count: requests.length, requests });
});

adminApp.get("/__sim/merchants/:merchantId/:entity", (c) => {
  const entity = c.req.param("entity");
  if (!isEntity(entity)) return problem(c, 404, "UNKNOWN_ENTITY", `no entity "${entity}"`);
  const records = peekMerchant(c.req.param("merchantId"))?.records[entity] ?? new Map();
  const only = c.req.query("sku");
  const skus = only !== undefined ? (records.has(only) ? [only] : []) : [...records.keys()].sort();
  const writes: Record<string, number> = {};
  const items = skus.map((sku) => {
    const stored = records.get(sku);
    writes[sku] = stored?.writes ?? 0;
    return stored?.record;
  });
  return c.json({ count: items.length, items, writes });
});
