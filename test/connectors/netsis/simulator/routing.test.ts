import { describe, expect, it } from "vitest";
import {
  configureNetsis,
  expireNetsisTokens,
  netsisCall,
  netsisEndpoint,
  netsisSlip,
  netsisSlips,
  netsisStats,
  netsisToken,
  newTenant,
} from "../../../helpers/netsis.ts";

const DENIED = { Message: "Authorization has been denied for this request." };

// ASP.NET Web API's routing and OWIN's bearer check, as a real NetOpenX server has them.
describe("Netsis simulator: routing", () => {
  it("matches resources whatever their case, with or without the trailing slash", async () => {
    const tenant = newTenant("nsr-case");
    const token = await netsisToken(tenant);
    for (const path of [
      "/Items?limit=1",
      "/items/?limit=1",
      "/ITEMS/?LIMIT=1",
      "/Items/PrimInfo/?Limit=1",
      "/items/NT-000001/",
    ]) {
      const res = await netsisCall(tenant, token, path);
      expect(res.status, path).toBe(200);
      expect(res.body.IsSuccessful, path).toBe(true);
    }
    const upper = await fetch(`https://sims.test/netsis/${tenant}/API/V2/Items/?limit=2`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(((await upper.json()) as { Data: unknown[] }).Data).toHaveLength(2);
    expect((await netsisCall(tenant, token, "/items/priminfo?limit=1")).body.Data[0].StokTemelBilgi).toBeUndefined();
  });

  it("ignores query parameters it does not know: validateOnly writes, fatirsNo lists everything", async () => {
    const tenant = newTenant("nsr-unknown");
    const token = await netsisToken(tenant);
    const posted = await netsisCall(tenant, token, "/ItemSlips?validateOnly=true", { body: netsisSlip("S-1") });
    expect(posted.body.IsSuccessful).toBe(true);
    await netsisCall(tenant, token, "/ItemSlips/", { body: netsisSlip("S-2") });
    expect((await netsisSlips(tenant)).count).toBe(2);
    const listed = await netsisCall(tenant, token, "/ItemSlips?fatirsNo=S-1");
    expect(listed.body.TotalCount).toBe(2);
    const items = await netsisCall(tenant, token, "/Items?limit=2&withCount=true&foo=bar");
    expect(items.body.Data).toHaveLength(2);
  });

  it("has no ItemStocks or ItemPrices resource: 404 in ASP.NET's words, with or without a token", async () => {
    const tenant = newTenant("nsr-404");
    const token = await netsisToken(tenant);
    for (const path of ["/ItemStocks?depoKodu=1", "/ItemPrices", "/itemstocks/"]) {
      for (const auth of [token, null]) {
        const res = await netsisCall(tenant, auth, path);
        expect(res.status, path).toBe(404);
        expect(res.body.Message).toBe(
          `No HTTP resource was found that matches the request URI '${netsisEndpoint(tenant)}${path}'.`,
        );
        expect(res.body.MessageDetail).toMatch(/No type was found that matches the controller named/);
      }
    }
    const deep = await netsisCall(tenant, token, "/Items/NT-000001/extra");
    expect(deep.status).toBe(404);
    expect(deep.body.MessageDetail).toBe("No action was found on the controller 'Items' that matches the request.");
    expect((await netsisCall(tenant, token, "/")).status).toBe(404);
    expect((await fetch(`https://sims.test/netsis/${tenant}/api/v1/Items`)).status).toBe(404);
  });

  it("answers 405 for a known resource with another method and 501 for NetOpenX resources it does not simulate", async () => {
    const tenant = newTenant("nsr-405");
    const token = await netsisToken(tenant);
    const del = await netsisCall(tenant, token, "/Items", { method: "DELETE" });
    expect(del).toMatchObject({
      status: 405,
      body: { Message: "The requested resource does not support http method 'DELETE'." },
    });
    expect((await netsisCall(tenant, token, "/ARPs")).status).toBe(501);
  });

  it("answers 401 in ASP.NET's words for a missing, unknown, expired or dropped token", async () => {
    const tenant = newTenant("nsr-401");
    // The token expires after one more served request: no waiting for a clock to run out.
    await configureNetsis(tenant, { expireTokensAfter: 1 });
    expect(await netsisCall(tenant, null, "/Items")).toMatchObject({ status: 401, body: DENIED });
    expect(await netsisCall(tenant, "nope", "/Items")).toMatchObject({ status: 401, body: DENIED });
    expect(await netsisCall(tenant, "nope", "/ItemSlips", { body: netsisSlip("S-1") })).toMatchObject({ status: 401 });
    const shortLived = await netsisToken(tenant);
    expect((await netsisCall(tenant, shortLived, "/Items")).status).toBe(200);
    expect(await netsisCall(tenant, shortLived, "/Items")).toMatchObject({ status: 401, body: DENIED });

    await configureNetsis(tenant, { tokenTtlSeconds: 3600 }, "PATCH");
    const dropped = await netsisToken(tenant);
    await expireNetsisTokens(tenant);
    expect(await netsisCall(tenant, dropped, "/Queries?tsql=SELECT 1")).toMatchObject({ status: 401, body: DENIED });
    // Every data call counts, refused ones too.
    expect((await netsisStats(tenant)).requests).toMatchObject({
      "GET Items": 4,
      "POST ItemSlips": 1,
      "GET Queries": 1,
    });
  });
});
