import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../../helpers/api.ts";
import { admin } from "../../helpers/auth.ts";
import { eventually } from "../../helpers/eventually.ts";
import { logoIntegration, orderSettled, syncToEnd } from "../../helpers/integrations.ts";
import {
  catalogueRefs,
  configureLogo,
  createLogoItems,
  deleteLogoItems,
  logoItemTruth,
  logoOrders,
  logoStats,
  newLogoTenant,
  setLogoItemsActive,
  touchLogo,
} from "../../helpers/logo.ts";
import { platformRecords, waitForRun } from "../../helpers/sims.ts";
import { newMerchant } from "../../helpers/unique.ts";

const find = async (merchantId: string, entity: string, sku: string) =>
  (await platformRecords(merchantId, entity)).items.find((r) => r.sku === sku);

describe("a Logo sync end to end", () => {
  it("syncs a catalogue of many pages at the ERP's own page size completely: items, stock and prices", async () => {
    const tenant = newLogoTenant("e2e");
    const merchantId = newMerchant("m-logo-e2e");
    // The service answers 10 rows a page however many are asked for.
    await configureLogo(tenant, { items: 120, maxLimit: 10, sql: true });
    const id = await logoIntegration(merchantId, tenant);

    const full = await syncToEnd(id, { type: "full" });
    expect(full.status, JSON.stringify(full)).toBe("succeeded");
    expect(full.progress.pagesDone).toBeGreaterThan(36);
    expect(full.attempts).toBe(0);
    const n = catalogueRefs(120).length;
    const [products, inventory, prices] = await Promise.all(
      ["products", "inventory", "prices"].map((e) => platformRecords(merchantId, e)),
    );
    expect([products?.count, inventory?.count, prices?.count]).toEqual([n, n, n]);
    const kg = await logoItemTruth(tenant, "ITM-000005");
    expect(products?.items.find((p) => p.sku === "ITM-000005")).toMatchObject({ unit: "kg", active: true });
    expect(await find(merchantId, "inventory", "ITM-000005")).toEqual({
      sku: "ITM-000005",
      stock: Math.max(0, Math.floor(kg.onHand.total)),
    });
    expect(await find(merchantId, "inventory", "ITM-000031")).toEqual({ sku: "ITM-000031", stock: 0 }); // below zero in Logo
    expect(await find(merchantId, "prices", "ITM-000040")).toMatchObject({ currency: "EUR" });
    // A passive card: an inactive product, none of its stock for sale.
    expect(await find(merchantId, "products", "ITM-000023")).toMatchObject({ active: false });
    expect((await logoItemTruth(tenant, "ITM-000023")).onHand.total).toBeGreaterThan(0);
    expect(await find(merchantId, "inventory", "ITM-000023")).toEqual({ sku: "ITM-000023", stock: 0 });
    // One login served the whole run.
    expect((await logoStats(tenant)).logins).toBe(1);
  });

  it("brings exactly the 5 changed and the 3 new items in the next incremental run", async () => {
    const tenant = newLogoTenant("e2e-inc");
    const merchantId = newMerchant("m-logo-inc");
    await configureLogo(tenant, { items: 300 });
    const id = await logoIntegration(merchantId, tenant);
    expect((await syncToEnd(id, { type: "products" })).status).toBe("succeeded");
    const completeAt = async () =>
      (
        await env.DB.prepare("SELECT complete_at FROM sync_watermarks WHERE integration_id = ? AND stream = 'items'")
          .bind(id)
          .first<{ complete_at: number | null }>()
      )?.complete_at;
    const firstComplete = await completeAt();
    expect(firstComplete).toEqual(expect.any(Number));

    const touched = ["ITM-000007", "ITM-000042", "ITM-000099", "ITM-000150", "ITM-000299"];
    await touchLogo(tenant, { codes: touched });
    const { created } = await createLogoItems(tenant, { count: 3 });
    const incremental = await syncToEnd(id, { type: "products" });
    expect(incremental.status, JSON.stringify(incremental)).toBe("succeeded");
    expect(incremental.progress.itemsPushed).toBe(8);
    expect(incremental.progress.itemsRead).toBeLessThan(20);
    const names = new Map((await platformRecords(merchantId, "products")).items.map((p) => [p.sku, p.name]));
    for (const sku of touched) expect(names.get(sku)).toMatch(/\(rev 1\)$/);
    for (const sku of created) expect(names.has(sku)).toBe(true);
    // An incremental read finds no deletions and is no complete read; a forced one reads everything again.
    expect(incremental.progress.itemsDeactivated).toBe(0);
    expect(await completeAt()).toBe(firstComplete);
    const forced = await syncToEnd(id, { type: "products", force: true });
    expect(forced.progress.itemsRead).toBe(catalogueRefs(300).length + 3);
  });

  it("costs one re-login and nothing else when the token expires in the middle of a run", async () => {
    const tenant = newLogoTenant("e2e-relogin");
    const merchantId = newMerchant("m-logo-relogin");
    await configureLogo(tenant, { items: 200, expireTokensAfter: 2 });
    const id = await logoIntegration(merchantId, tenant);
    const run = await syncToEnd(id, { type: "prices" });
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect(run.attempts).toBe(0);
    expect(run.lastError).toBeNull();
    expect((await logoStats(tenant)).logins).toBe(2);
    expect((await platformRecords(merchantId, "prices")).count).toBe(catalogueRefs(200).length);
  });

  it("turns an item deleted in Logo into an inactive product with no stock at the next full sync", async () => {
    const tenant = newLogoTenant("e2e-delete");
    const merchantId = newMerchant("m-logo-delete");
    await configureLogo(tenant, { items: 40, sql: true });
    const id = await logoIntegration(merchantId, tenant);
    await syncToEnd(id, { type: "full" });
    expect((await find(merchantId, "inventory", "ITM-000004"))?.stock).toBeGreaterThan(0);

    await deleteLogoItems(tenant, ["ITM-000004"]);
    await setLogoItemsActive(tenant, ["ITM-000006"], false);
    const run = await syncToEnd(id, { type: "full" });
    expect(run.status).toBe("succeeded");
    expect(run.progress.itemsDeactivated, JSON.stringify(run)).toBe(1);
    expect(await find(merchantId, "products", "ITM-000004")).toMatchObject({ sku: "ITM-000004", active: false });
    expect(await find(merchantId, "inventory", "ITM-000004")).toEqual({ sku: "ITM-000004", stock: 0 });
    // Made passive in Logo: inactive through the mapping, stock 0 through the gateway's rule.
    expect(await find(merchantId, "products", "ITM-000006")).toMatchObject({ active: false });
    expect(await find(merchantId, "inventory", "ITM-000006")).toEqual({ sku: "ITM-000006", stock: 0 });
    expect(await find(merchantId, "products", "ITM-000005")).toMatchObject({ active: true });
  });

  it("writes an order into Logo once, under a number that fits", async () => {
    const tenant = newLogoTenant("e2e-order");
    const id = await logoIntegration(newMerchant("m-logo-order"), tenant);
    const body = {
      orderNumber: "SHOP-2026-00000001", // 18 characters; Logo's NUMBER holds 16
      customerCode: "120.01.001",
      createdAt: "2026-01-20T10:30:00Z",
      lines: [{ sku: "ITM-000001", quantity: 2, unitPrice: 149.9 }],
    };
    const sent = await api("POST", `/api/integrations/${id}/orders`, { token: await admin(), body });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const done = await orderSettled(sent.body.data.order.id);
    expect(done.status, JSON.stringify(done)).toBe("exported");
    expect(done.erpDocumentNumber).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}-00000001$/);
    const { orders } = await logoOrders(tenant);
    expect(orders.map((o) => o.NUMBER)).toEqual([done.erpDocumentNumber]);
  });
});

describe("a Logo ERP that throttles", () => {
  it("pauses every call of the integration for Logo's Retry-After, without counting it as a failure, and the run completes", async () => {
    const tenant = newLogoTenant("throttle");
    const merchantId = newMerchant("m-logo-429");
    await configureLogo(tenant, { items: 60, rateLimitNext: 1, retryAfterSeconds: 2 });
    const id = await logoIntegration(merchantId, tenant);

    const started = await api("POST", `/api/integrations/${id}/sync`, {
      token: await admin(),
      body: { type: "products" },
    });
    expect(started.status).toBe(202);
    // The guard holds all of the integration's calls until Logo's Retry-After has passed.
    const token = await admin();
    const guard = await eventually(
      async () => {
        const shown = (await api("GET", `/api/integrations/${id}/circuit`, { token })).body.data;
        return shown.rateLimit.pausedUntil && shown;
      },
      { timeout: 10_000, interval: 25 },
    );
    expect(guard.rateLimit.pausedUntil).not.toBeNull();
    expect(guard.circuit).toMatchObject({ state: "closed", failures: 0 });

    const run = await waitForRun(started.body.data.runId);
    expect(run.status).toBe("succeeded");
    expect((await platformRecords(merchantId, "products")).count).toBe(catalogueRefs(60).length);
    expect(
      (await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() })).body.data.circuit.failures,
    ).toBe(0);
  });
});
