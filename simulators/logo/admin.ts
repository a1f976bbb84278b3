import { Hono } from "hono";
import type { z } from "zod";
import type { SimEnv } from "../index.ts";
import { ConfigPatch } from "./config.ts";
import type { Ctx } from "./http.ts";
import { configure, forgetTenant, tenant } from "./state.ts";

/**
 * `/logo/{tenant}/__sim/...`: configuration, statistics and read-back for tests and humans.
 * Not part of Logo's API, so no token; errors are `{ error, detail }` with 400.
 */
export const adminApp = new Hono<{ Bindings: SimEnv }>();

adminApp.put("/:tenant/__sim/config", async (c) => {
  const parsed = ConfigPatch.safeParse(await jsonBody(c));
  if (!parsed.success) return invalid(c, "invalid_config", issuesOf(parsed.error));
  const t = tenant(c.req.param("tenant"));
  configure(t, parsed.data);
  return c.json(t.config);
});

// Fault counters show what is left: after two of `failNext: 3` have fired, this says `failNext: 1`.
adminApp.get("/:tenant/__sim/config", (c) => c.json(tenant(c.req.param("tenant")).config));

adminApp.get("/:tenant/__sim/stats", (c) => {
  const t = tenant(c.req.param("tenant"));
  const { logins, requests, byEndpoint, hosts } = t.stats;
  return c.json({ logins, requests, byEndpoint, tokens: t.tokens.size, orders: t.orders.length, hosts });
});

adminApp.get("/:tenant/__sim/orders", (c) => {
  const orders = tenant(c.req.param("tenant")).orders;
  return c.json({ count: orders.length, orders });
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

export async function jsonBody(c: Ctx): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return Symbol("not JSON"); // fails every schema
  }
}

export const invalid = (c: Ctx, error: string, detail: string) => c.json({ error, detail }, 400);

export const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
