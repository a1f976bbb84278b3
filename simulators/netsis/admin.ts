import { Hono } from "hono";
import { z } from "zod";
import type { SimEnv } from "../index.ts";
import { itemIndex } from "./catalogue.ts";
import { ConfigSchema } from "./config.ts";
import type { Ctx } from "./envelope.ts";
import { itemFor } from "./items.ts";
import { configure, forgetTenant, peekTenant, type Tenant, tenant } from "./state.ts";
import { stockTruth } from "./stock.ts";

/**
 * `/netsis/{tenant}/__sim/...`: configuration, fault injection, catalogue changes and read-back
 * for tests and humans. Not part of NetOpenX, so no token; see app.ts for the list.
 */
export const adminApp = new Hono<{ Bindings: SimEnv }>();

// PUT replaces the whole configuration (defaults for what is left out); PATCH changes the fields given.
adminApp.put("/:tenant/__sim/config", (c) => setConfig(c, {}));
adminApp.patch("/:tenant/__sim/config", (c) => setConfig(c, tenant(c.req.param("tenant")).config));

// Counters show what is left: after two of `failNext: 3` have fired, this says `failNext: 1`.
adminApp.get("/:tenant/__sim/config", (c) =>
  c.json(peekTenant(c.req.param("tenant"))?.config ?? ConfigSchema.parse({})),
);

adminApp.get("/:tenant/__sim/slips", (c) => {
  const slips = (peekTenant(c.req.param("tenant"))?.slips ?? []).map((s) => ({
    FATIRS_NO: s.FATIRS_NO,
    FaturaTip: s.FaturaTip,
    CariKod: s.CariKod,
    FatUst: s.record.FatUst,
    Kalems: s.record.Kalems,
    storedAt: s.storedAt,
  }));
  return c.json({ count: slips.length, slips });
});

adminApp.get("/:tenant/__sim/stats", (c) => {
  const stats = peekTenant(c.req.param("tenant"))?.stats ?? { logins: 0, failedLogins: 0, requests: {}, hosts: {} };
  return c.json(stats);
});

adminApp.post("/:tenant/__sim/expire-tokens", (c) => {
  const state = peekTenant(c.req.param("tenant"));
  const expired = state?.tokens.size ?? 0;
  state?.tokens.clear();
  return c.json({ expired });
});

adminApp.delete("/:tenant/__sim", (c) => {
  forgetTenant(c.req.param("tenant"));
  return c.body(null, 204);
});

const Codes = z.object({ codes: z.array(z.string()).min(1) }).strict();
const Lock = z
  .object({
    codes: z.array(z.string()).min(1),
    field: z.enum(["Kilit", "SatisKilit"]).default("Kilit"),
    value: z.enum(["E", "H"]).default("E"),
  })
  .strict();

// The items vanish from /Items, /Items/{code} and both tables of /Queries.
adminApp.post("/:tenant/__sim/delete", async (c) => {
  const body = await parse(c, Codes);
  if (body instanceof Response) return body;
  const state = tenant(c.req.param("tenant"));
  const { found, unknown } = indexes(state, body.codes);
  for (const i of found) state.deleted.add(i);
  return c.json({ deleted: found.length, unknown });
});

adminApp.post("/:tenant/__sim/lock", async (c) => {
  const body = await parse(c, Lock);
  if (body instanceof Response) return body;
  const state = tenant(c.req.param("tenant"));
  const { found, unknown } = indexes(state, body.codes);
  for (const i of found) state.locks.set(i, { ...state.locks.get(i), [body.field]: body.value });
  state.orders.clear();
  return c.json({ locked: found.length, field: body.field, value: body.value, unknown });
});

// The truth for tests: the item as /Items serves it, its balance by depot, whether it was deleted.
adminApp.get("/:tenant/__sim/items/:code", (c) => {
  const state = tenant(c.req.param("tenant"));
  const i = itemIndex(c.req.param("code"), state.config.items);
  if (i === null) return c.json({ error: `no item ${c.req.param("code")}` }, 404);
  return c.json({ ...itemFor(state, i), stock: stockTruth(state, i), deleted: state.deleted.has(i) });
});

function indexes(state: Tenant, codes: string[]) {
  const found: number[] = [];
  const unknown: string[] = [];
  for (const code of codes) {
    const i = itemIndex(code, state.config.items);
    if (i === null) unknown.push(code);
    else found.push(i);
  }
  return { found, unknown };
}

async function parse<T>(c: Ctx, schema: z.ZodType<T>): Promise<T | Response> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "body is not valid JSON" }, 400);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    return c.json({ error: issues.join("; ") }, 400);
  }
  return parsed.data;
}

async function setConfig(c: Ctx, base: Record<string, unknown>): Promise<Response> {
  const body = await parse(c, z.record(z.string(), z.unknown()));
  if (body instanceof Response) return body;
  const parsed = ConfigSchema.safeParse({ ...base, ...body });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    return c.json({ error: issues.join("; ") }, 400);
  }
  const state = tenant(c.req.param("tenant") ?? "");
  configure(state, parsed.data);
  return c.json(state.config);
}
