import { describe, expect, it } from "vitest";
import { logoEndpoint, logoStats, newLogoTenant } from "../../../helpers/logo.ts";
import { api, bearer, q, tenantWith } from "./call.ts";

describe("the Logo simulator: routing as ASP.NET Web API does it", () => {
  it("matches paths and parameter names without case and ignores a trailing slash", async () => {
    const { tenant, token } = await tenantWith("routing", { items: 30 });
    for (const path of ["/items?limit=3", "/Items?Limit=3", "/ITEMS/?LIMIT=3", "/items/?limit=3"]) {
      const res = await api(tenant, path, { token });
      expect(res.status, path).toBe(200);
      expect(res.body.count, path).toBe(3);
    }
    const upper = await fetch(`${logoEndpoint(tenant).replace("/api/v1", "/Api/V1")}/Items/5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await upper.json()) as any).INTERNAL_REFERENCE).toBe(5);
    expect((await api(tenant, `/items?Q=${q("INTERNAL_REFERENCE eq 4")}&Fields=CODE`, { token })).body.items).toEqual([
      { Meta: expect.any(Object), CODE: "ITM-000004" },
    ]);
  });

  it("ignores unknown query parameters", async () => {
    const { tenant, token } = await tenantWith("routing-unknown", { items: 12 });
    const res = await api(tenant, "/items?colour=red&dryRun=true&limit=2", { token });
    expect(res).toMatchObject({ status: 200, body: { count: 2 } });
  });

  it("answers 404 with Web API's message for resources the real API lacks, without looking at the token", async () => {
    const tenant = newLogoTenant("routing-404");
    for (const path of ["/itemStocks", "/stocks", "/items/5/stock", "/ItemPrices?limit=1", "/"]) {
      const res = await api(tenant, path, { token: null });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({
        Message: `No HTTP resource was found that matches the request URI '${logoEndpoint(tenant)}${path}'.`,
      });
    }
    const stats = await logoStats(tenant);
    expect(stats).toMatchObject({
      requests: 5,
      byEndpoint: expect.objectContaining({ "GET /itemstocks": 1, "GET /stocks": 1 }),
    });
  });

  it("answers 405 for a method a served resource does not take here, 400 for a reference that is no number", async () => {
    const tenant = newLogoTenant("routing-405");
    const token = await bearer(tenant);
    expect(await api(tenant, "/items", { method: "DELETE", token })).toMatchObject({
      status: 405,
      body: { Message: "The requested resource does not support http method 'DELETE'." },
    });
    expect((await api(tenant, "/queries/unsafe", { token })).status).toBe(405);
    const bad = await api(tenant, "/items/ITM-000001", { token });
    expect(bad).toMatchObject({
      status: 400,
      body: { Message: "The request is invalid.", MessageDetail: expect.stringContaining("'id'") },
    });
    expect(await api(tenant, "/items/999", { token })).toMatchObject({
      status: 404,
      body: { Message: expect.any(String) },
    });
  });

  it("counts data requests by endpoint and the hosts of every call with an Authorization header", async () => {
    const { tenant, token } = await tenantWith("routing-stats");
    await api(tenant, "/items", { token });
    await api(tenant, "/items/3", { token });
    await api(tenant, "/salesItemPrices", { token: null });
    await api(tenant, "/queries?tsql=SELECT%201", { token });
    expect(await logoStats(tenant)).toEqual({
      logins: 1,
      requests: 4,
      byEndpoint: { "GET /items": 1, "GET /items/{id}": 1, "GET /salesItemPrices": 1, "GET /queries": 1 },
      tokens: 1,
      orders: 0,
      hosts: { "sims.test": 3 },
    });
  });
});
