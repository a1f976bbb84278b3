import { describe, expect, it } from "vitest";
import {
  configureNetsis,
  netsisCall,
  netsisControl,
  netsisItem,
  netsisSlip,
  netsisSlips,
  netsisStats,
  netsisToken,
  newTenant,
} from "../../../helpers/netsis.ts";

const config = (tenant: string) =>
  fetch(`https://sims.test/netsis/${tenant}/__sim/config`).then((r) => r.json() as any);

describe("Netsis simulator: faults", () => {
  it("fails the next calls with failNext: HTTP failStatus in ASP.NET's shape, or a business error with 200", async () => {
    const tenant = newTenant("nsf-fail");
    await configureNetsis(tenant, { failNext: 1, failStatus: 503 });
    const token = await netsisToken(tenant);
    expect(await netsisCall(tenant, token, "/Items")).toMatchObject({
      status: 503,
      body: { Message: "An error has occurred." },
    });
    expect((await netsisCall(tenant, token, "/Items")).status).toBe(200);
    await configureNetsis(tenant, { failNext: 2, failStatus: 200, failMessage: "Kilitlenme: tekrar deneyin" }, "PATCH");
    const business = await netsisCall(tenant, token, "/ItemSlips", { body: netsisSlip("S-1") });
    expect(business).toMatchObject({
      status: 200,
      body: { IsSuccessful: false, ErrorCode: "Injected", ErrorDesc: "Kilitlenme: tekrar deneyin" },
    });
    expect((await netsisCall(tenant, token, "/Items")).body.IsSuccessful).toBe(false);
    expect((await netsisCall(tenant, token, "/Items")).body.IsSuccessful).toBe(true);
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("hits only calls with a valid token: a bad token still gets 401 and leaves the counter alone", async () => {
    const tenant = newTenant("nsf-order");
    await configureNetsis(tenant, { failNext: 1 });
    expect((await netsisCall(tenant, "nope", "/Items")).status).toBe(401);
    expect((await config(tenant)).failNext).toBe(1);
    // Logins are not data calls.
    const token = await netsisToken(tenant);
    expect((await netsisCall(tenant, token, "/Items")).status).toBe(500);
    expect((await config(tenant)).failNext).toBe(0);
  });

  it("answers 429 with Retry-After for rateLimitNext calls", async () => {
    const tenant = newTenant("nsf-429");
    await configureNetsis(tenant, { rateLimitNext: 2, retryAfterSeconds: 7 });
    const token = await netsisToken(tenant);
    for (let k = 0; k < 2; k++) {
      const limited = await netsisCall(tenant, token, "/Items");
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("7");
    }
    expect((await netsisCall(tenant, token, "/Items")).status).toBe(200);
  });

  it("fails a seeded share of calls with errorRate, the same ones for the same seed", async () => {
    const statuses = async () => {
      const tenant = newTenant("nsf-rate");
      await configureNetsis(tenant, { errorRate: 0.5, seed: 42 });
      const token = await netsisToken(tenant);
      const out: number[] = [];
      for (let k = 0; k < 20; k++) out.push((await netsisCall(tenant, token, "/Items?limit=1")).status);
      return out;
    };
    const first = await statuses();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await statuses()).toEqual(first);
  });

  it("expires every issued token after expireTokensAfter more data calls, once", async () => {
    const tenant = newTenant("nsf-expire");
    await configureNetsis(tenant, { expireTokensAfter: 2 });
    const a = await netsisToken(tenant);
    const b = await netsisToken(tenant);
    expect((await netsisCall(tenant, a, "/Items")).status).toBe(200);
    expect((await netsisCall(tenant, b, "/Items")).status).toBe(200);
    expect((await netsisCall(tenant, a, "/Items")).status).toBe(401);
    expect((await netsisCall(tenant, b, "/Items")).status).toBe(401);
    expect((await config(tenant)).expireTokensAfter).toBeUndefined();
    const fresh = await netsisToken(tenant);
    for (let k = 0; k < 3; k++) expect((await netsisCall(tenant, fresh, "/Items")).status).toBe(200);
  });

  it("delays data calls by latencyMs", async () => {
    const tenant = newTenant("nsf-latency");
    await configureNetsis(tenant, { latencyMs: 150 });
    const token = await netsisToken(tenant);
    const started = Date.now();
    await netsisCall(tenant, token, "/Items?limit=1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("Netsis simulator: test controls", () => {
  it("replaces the configuration with PUT, changes fields with PATCH and refuses misspelt keys", async () => {
    const tenant = newTenant("nsc-config");
    expect(await config(tenant)).toMatchObject({
      items: 50,
      branchCode: 0,
      dbName: "TESTDB",
      dbUser: "sa",
      dbPassword: "sa-pass",
      dbType: "MSSQL",
      dbTypeParam: "accepted",
      tokenTtlSeconds: 3600,
      defaultLimit: 50,
      maxLimit: 1000,
      queriesShape: "envelope",
      missingSlip: "error",
      duplicateSlip: "store",
      users: [{ username: "netsis", password: "netsis-pass", permissions: ["items", "stock", "prices", "orders"] }],
    });
    await configureNetsis(tenant, { items: 7, missingSlip: "404" });
    await configureNetsis(tenant, { queriesShape: "table" }, "PATCH");
    expect(await config(tenant)).toMatchObject({ items: 7, missingSlip: "404", queriesShape: "table" });
    await configureNetsis(tenant, { duplicateSlip: "refuse" });
    expect(await config(tenant)).toMatchObject({ items: 50, missingSlip: "error", duplicateSlip: "refuse" });
    for (const [method, body] of [
      ["PUT", { item: 5 }],
      ["PATCH", { queriesShape: "csv" }],
      ["PUT", { dbType: "AS400" }],
      ["PATCH", { failStatus: 302 }],
    ] as const) {
      const res = await fetch(`https://sims.test/netsis/${tenant}/__sim/config`, {
        method,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("counts logins, failed logins and requests per route, and forgets a tenant with DELETE", async () => {
    const tenant = newTenant("nsc-stats");
    const token = await netsisToken(tenant);
    await netsisCall(tenant, token, "/Items");
    await netsisCall(tenant, token, "/Items/NT-000001");
    await netsisCall(tenant, token, "/ItemSlips", { body: netsisSlip("S-1") });
    await netsisCall(tenant, token, "/ItemSlips/ftSSip;S-1;120.01.001");
    await fetch(`https://sims.test/netsis/${tenant}/api/v2/token`, { method: "POST", body: "grant_type=password" });
    expect(await netsisStats(tenant)).toEqual({
      logins: 1,
      failedLogins: 1,
      requests: { "GET Items": 1, "GET Items/{id}": 1, "POST ItemSlips": 1, "GET ItemSlips/{id}": 1 },
      hosts: { "sims.test": 6 },
    });
    const expired = await netsisControl(tenant, "/expire-tokens");
    expect(expired.body).toEqual({ expired: 1 });
    expect((await netsisControl(tenant, "", undefined, "DELETE")).status).toBe(204);
    expect((await netsisSlips(tenant)).count).toBe(0);
    expect((await netsisStats(tenant)).logins).toBe(0);
  });

  it("tells the truth about an item: the card as /Items serves it, its stock by depot and whether it was deleted", async () => {
    const tenant = newTenant("nsc-truth");
    const token = await netsisToken(tenant);
    const truth = await netsisItem(tenant, "NT-000002");
    const served = (await netsisCall(tenant, token, "/Items/NT-000002")).body.Data;
    expect({ StokTemelBilgi: truth.StokTemelBilgi, StokEkBilgi: truth.StokEkBilgi }).toEqual(served);
    expect(Object.keys(truth.stock.byDepot)).toEqual(["1", "2"]);
    expect(truth.stock.total).toBeCloseTo(
      (truth.stock.byDepot["1"] as number) + (truth.stock.byDepot["2"] as number),
      3,
    );
    expect((await netsisItem(tenant, "NT-000011")).stock).toEqual({ total: 0, byDepot: {} });
    expect(truth.deleted).toBe(false);
    const unknown = await fetch(`https://sims.test/netsis/${tenant}/__sim/items/NT-999999`);
    expect(unknown.status).toBe(404);
    expect((await netsisControl(tenant, "/delete", { codes: [] })).status).toBe(400);
  });
});
