import { Hono } from "hono";
import { z } from "zod";
import type { SimEnv } from "../index.ts";
import { itemCode, refOfCode, touch } from "./catalogue.ts";
import { type Ctx, logoError } from "./gate.ts";
import { ConfigPatch, configure, forgetTenant, parseTime, tenant } from "./state.ts";

/**
 * `/logo/{tenant}/__sim/...`: configuration, fault injection and read-back for tests and humans.
 * Not part of Logo's API, so no token.
 */
export const adminApp = new Hono<{ Bindings: SimEnv }>();

const TouchBody = z
  .object({
    codes: z.array(z.string()).optional(),
    count: z.number().int().min(0).optional(),
    at: z.string().optional(),
  })
  .strict();

adminApp.put("/:tenant/__sim/config", async (c) => {
  const parsed = ConfigPatch.safeParse(await jsonBody(c));
  if (!parsed.success) return logoError(c, 400, "invalid_config", issuesOf(parsed.error));
  const state = tenant(c.req.param("tenant"));
  configure(state, parsed.data);
  return c.json(state.config);
});

// Fault counters show what is left: after two of `failNext: 3` have fired, this says `failNext: 1`.
adminApp.get("/:tenant/__sim/config", (c) => c.json(tenant(c.req.param("tenant")).config));

adminApp.get("/:tenant/__sim/stats", (c) => {
  const state = tenant(c.req.param("tenant"));
  return c.json({ ...state.stats, tokens: state.tokens.size, orders: state.orders.length });
});

adminApp.get("/:tenant/__sim/orders", (c) => {
  const orders = tenant(c.req.param("tenant")).orders;
  return c.json({ count: orders.length, orders });
});

adminApp.post("/:tenant/__sim/touch", async (c) => {
  const parsed = TouchBody.safeParse(await jsonBody(c));
  if (!parsed.success) return logoError(c, 400, "invalid_touch", issuesOf(parsed.error));
  const state = tenant(c.req.param("tenant"));
  const { codes = [], count = 0, at } = parsed.data;
  const seconds = at === undefined ? undefined : parseTime(at);
  if (at !== undefined && seconds === undefined) {
    return logoError(c, 400, "invalid_touch", `at must be a time written YYYY-MM-DDTHH:MM:SS, not '${at}'`);
  }
  const unknown = codes.filter((code) => refOfCode(state, code) === undefined);
  if (unknown.length > 0) return logoError(c, 400, "invalid_touch", `no items with the codes ${unknown.join(", ")}`);
  // `count` touches the first items by INTERNAL_REFERENCE.
  const refs = new Set([...codes.map((code) => refOfCode(state, code) as number)]);
  for (let ref = 1; ref <= Math.min(count, state.config.items); ref++) refs.add(ref);
  touch(state, refs, seconds);
  return c.json({ touched: [...refs].sort((a, b) => a - b).map(itemCode), at: at ?? null });
});

adminApp.post("/:tenant/__sim/expire-tokens", (c) => {
  const tokens = tenant(c.req.param("tenant")).tokens;
  const expired = tokens.size;
  tokens.clear();
  return c.json({ expired });
});

adminApp.delete("/:tenant/__sim", (c) => {
  forgetTenant(c.req.param("tenant"));
  return c.body(null, 204);
});

async function jsonBody(c: Ctx): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return Symbol("not JSON"); // fails every schema
  }
}

const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
