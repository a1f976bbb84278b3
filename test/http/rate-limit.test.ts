import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../src/http/rate-limit.ts";
import { api, bodies } from "../helpers/api.ts";
import { admin, merchant, tokenFor } from "../helpers/auth.ts";
import { awayFromWindowEdge } from "../helpers/rate-limit.ts";
import { newClientAddress, newMerchant } from "../helpers/unique.ts";
import { seedHeaders, webhookIntegration } from "../helpers/webhooks.ts";

// The real Rate Limiting binding, with a limit of 3 a minute (vitest.config.ts), in place of
// the production ones. Each test counts under an address or subject of its own.
const tight = { CLIENT_RATE_LIMIT: env.TEST_TIGHT_RATE_LIMIT };

async function integrationCount(merchantId: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM integrations WHERE merchant_id = ?")
    .bind(merchantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function rateLimitedEntries(source: string) {
  const { results } = await env.DB.prepare(
    "SELECT actor, ip, count, details FROM audit_log WHERE action = 'auth.rate_limited' AND ip = ?",
  )
    .bind(source)
    .all<{ actor: string; ip: string; count: number; details: string }>();
  return results;
}

describe("rate limits of the API", () => {
  // Each burst must fall in one window of the binding to reach its limit.
  beforeEach(() => awayFromWindowEdge());

  it("answers 429 in the error envelope with Retry-After once an address has used its budget", async () => {
    const ip = newClientAddress();
    const token = await admin();
    for (let i = 0; i < 3; i++) {
      const res = await api("GET", "/api/integrations", { token, headers: { "CF-Connecting-IP": ip }, env: tight });
      expect(res.status).toBe(200);
    }
    const limited = await api("GET", "/api/integrations", { token, headers: { "CF-Connecting-IP": ip }, env: tight });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
    expect(limited.body).toMatchObject({
      success: false,
      code: "RATE_LIMITED",
      error: `Too many requests from this address; try again in ${RATE_LIMIT_PERIOD_SECONDS} s`,
    });
    // Another address is not affected.
    const other = await api("GET", "/api/integrations", {
      token,
      headers: { "CF-Connecting-IP": newClientAddress() },
      env: tight,
    });
    expect(other.status).toBe(200);
  });

  it("stops a flood of bad tokens before it reaches authentication, and counts it in one audit entry", async () => {
    const ip = newClientAddress();
    const answers: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await api("GET", "/api/integrations", {
        token: `garbage-${i}`,
        headers: { "CF-Connecting-IP": ip },
        env: tight,
      });
      answers.push(res.status);
    }
    expect(answers).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    const [entry, ...more] = await rateLimitedEntries(ip);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: "anonymous", count: 5 });
  });

  it("limits a token's subject from any address, and a refused write stores nothing", async () => {
    const merchantId = newMerchant("rl");
    const token = await tokenFor("merchant", merchantId, { sub: `burst-${crypto.randomUUID()}` });
    const create = (name: string) =>
      api("POST", "/api/integrations", {
        token,
        body: bodies.csv(undefined, name),
        headers: { "CF-Connecting-IP": newClientAddress() },
        env: { PRINCIPAL_RATE_LIMIT: env.TEST_TIGHT_RATE_LIMIT },
      });
    for (const name of ["one", "two", "three"]) expect((await create(name)).status).toBe(201);
    const refused = await create("four");
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("RATE_LIMITED");
    expect(refused.body.error).toContain("for this token's subject");
    expect(await integrationCount(merchantId)).toBe(3);
    // Another subject of the same merchant has its own budget.
    const other = await api("GET", "/api/integrations", {
      token: await merchant(merchantId),
      env: { PRINCIPAL_RATE_LIMIT: env.TEST_TIGHT_RATE_LIMIT },
    });
    expect(other.status).toBe(200);
  });

  it("counts an IPv6 client by its /64, so rotating addresses inside it does not help", async () => {
    const prefix = newClientAddress().replace(/::1$/, "");
    const token = await admin();
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const res = await api("GET", "/api/integrations", {
        token,
        headers: { "CF-Connecting-IP": `${prefix}:${i.toString(16)}:0:0:${i}` },
        env: tight,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("does not count an ERP's signed webhooks against its address: a burst is taken whole, while the API from there is limited", async () => {
    const { id, secret } = await webhookIntegration(newMerchant("rl-wh"));
    const ip = newClientAddress();
    const statuses: number[] = [];
    for (let stock = 1; stock <= 5; stock++) {
      const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "RL-1", stock } });
      const res = await api("POST", `/webhooks/${id}`, {
        rawBody: body,
        headers: { ...seedHeaders(secret, body), "CF-Connecting-IP": ip },
        env: tight,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    const token = await admin();
    const api4 = [];
    for (let i = 0; i < 4; i++)
      api4.push(
        (await api("GET", "/api/integrations", { token, headers: { "CF-Connecting-IP": ip }, env: tight })).status,
      );
    expect(api4).toEqual([200, 200, 200, 429]);
  });

  it("uses the period the bindings in wrangler.toml declare for Retry-After", () => {
    expect(env.TEST_RATE_LIMITS.map((r) => [r.name, r.period])).toEqual([
      ["CLIENT_RATE_LIMIT", RATE_LIMIT_PERIOD_SECONDS],
      ["PRINCIPAL_RATE_LIMIT", RATE_LIMIT_PERIOD_SECONDS],
      ["WEBHOOK_REFUSAL_LIMIT", RATE_LIMIT_PERIOD_SECONDS],
    ]);
  });
});
