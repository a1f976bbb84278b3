import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import type { Ctx } from "./gate.ts";
import { ConfigSchema, configure, forgetTenant, peekTenant, tenant } from "./state.ts";

/**
 * `/netsis/{tenant}/__sim/...`: configuration, fault injection and read-back for tests and
 * humans. Not part of NetOpenX, so no token.
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
  const slips = peekTenant(c.req.param("tenant"))?.slips ?? [];
  return c.json({ count: slips.length, slips });
});

adminApp.get("/:tenant/__sim/stats", (c) => {
  const stats = peekTenant(c.req.param("tenant"))?.stats ?? { logins: 0, failedLogins: 0, requests: {} };
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

async function setConfig(c: Ctx, base: Record<string, unknown>): Promise<Response> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "body is not valid JSON" }, 400);
  }
  const parsed = ConfigSchema.safeParse({ ...base, ...(body as Record<string, unknown>) });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    return c.json({ error: issues.join("; ") }, 400);
  }
  const state = tenant(c.req.param("tenant") ?? "");
  configure(state, parsed.data);
  return c.json(state.config);
}
