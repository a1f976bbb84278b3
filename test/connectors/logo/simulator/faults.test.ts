import { describe, expect, it } from "vitest";
import { configureLogo, logoSim, newLogoTenant } from "../../../helpers/logo.ts";
import { api, bearer, modelState, tenantWith } from "./call.ts";

describe("the Logo simulator: injected faults and rights", () => {
  it("answers failStatus, then 429 with Retry-After, as configured, and counts them down", async () => {
    const { tenant, token } = await tenantWith("faults");
    await configureLogo(tenant, { rateLimitNext: 1, retryAfterSeconds: 7, failNext: 1, failStatus: 503 });
    expect(await api(tenant, "/items", { token })).toMatchObject({
      status: 503,
      body: { Message: "An error has occurred." },
    });
    const limited = await api(tenant, "/items", { token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect((await api(tenant, "/items", { token })).status).toBe(200);
    expect(await logoSim(tenant, "GET", "/config")).toMatchObject({ rateLimitNext: 0, failNext: 0 });
  });

  it("checks the token before any fault, and never fails /token", async () => {
    const { tenant } = await tenantWith("faults-order");
    await configureLogo(tenant, { failNext: 1 });
    expect((await api(tenant, "/items", { token: null })).status).toBe(401);
    expect((await api(tenant, "/items")).status).toBe(500);
    expect((await api(tenant, "/items")).status).toBe(200);
  });

  it("fails at errorRate the same requests for the same seed", async () => {
    const tenant = newLogoTenant("faults-rate");
    const token = await bearer(tenant);
    const run = async () => {
      await configureLogo(tenant, { errorRate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let k = 0; k < 12; k++) statuses.push((await api(tenant, "/items?limit=1", { token })).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it("waits latencyMs before answering", async () => {
    const { tenant, token } = await tenantWith("faults-latency", { latencyMs: 150 });
    const started = Date.now();
    expect((await api(tenant, "/items?limit=1", { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers a user without the right with a Turkish LOError ModelState", async () => {
    const { tenant } = await tenantWith("rights", {
      sql: true,
      users: [{ username: "logo", password: "logo-pass", permissions: ["items"] }],
    });
    const token = await bearer(tenant);
    expect((await api(tenant, "/items", { token })).status).toBe(200);
    for (const path of ["/salesItemPrices", "/salesOrders", "/queries?tsql=SELECT%201"]) {
      const res = await api(tenant, path, { token });
      expect(res, path).toMatchObject({
        status: 400,
        body: modelState("LOError:", expect.stringContaining("'logo' kullanıcısının")),
      });
    }
  });
});

describe("the Logo simulator: __sim/config", () => {
  it("merges the keys given into the config in force and shows every key with its default", async () => {
    const tenant = newLogoTenant("config");
    expect(await logoSim(tenant, "GET", "/config")).toEqual({
      items: 50,
      firmNo: 1,
      periodNo: 1,
      users: [{ username: "logo", password: "logo-pass", permissions: ["items", "stock", "prices", "orders"] }],
      clientId: "LOGO",
      clientSecret: expect.any(String),
      checkClient: false,
      tokenTtlSeconds: 119,
      defaultLimit: 10,
      maxLimit: 1000,
      nextLink: "object",
      lastPageNext: "null",
      advertisedOrigin: null,
      unauthorized: "bare",
      sql: false,
      queriesPaging: "none",
      queriesJoin: "ok",
      numberMaxLength: 16,
      orderCreatedStatus: 200,
      expireTokensAfter: 0,
      latencyMs: 0,
      errorRate: 0,
      seed: 1,
      rateLimitNext: 0,
      retryAfterSeconds: 1,
      failNext: 0,
      failStatus: 500,
      malformedEvery: 0,
    });
    await configureLogo(tenant, { items: 7 });
    expect(await configureLogo(tenant, { sql: true })).toMatchObject({ items: 7, sql: true });
  });

  it("refuses a misspelt key or a bad value with 400, and forgets a tenant on DELETE", async () => {
    const tenant = newLogoTenant("config-bad");
    for (const body of [
      { item: 5 },
      { unauthorized: "html" },
      { advertisedOrigin: "http://x/with/path" },
      { orderCreatedStatus: 202 },
    ]) {
      const res = await fetch(`https://sims.test/logo/${tenant}/__sim/config`, {
        method: "PUT",
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    await configureLogo(tenant, { items: 3 });
    await logoSim(tenant, "DELETE", "");
    expect(await logoSim(tenant, "GET", "/config")).toMatchObject({ items: 50 });
  });
});
