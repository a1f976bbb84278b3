import { describe, expect, it } from "vitest";
import { item, price, stock } from "../../../simulators/netsis/catalogue.ts";
import { api } from "../../helpers/api.ts";
import { admin } from "../../helpers/auth.ts";
import { createIntegration } from "../../helpers/integrations.ts";
import { configureNetsis, netsisCredentials, netsisStats, newTenant } from "../../helpers/netsis.ts";
import { platformRecords, waitForRun } from "../../helpers/sims.ts";
import { newMerchant } from "../../helpers/unique.ts";

async function netsisIntegration(merchantId: string, tenant: string, settings: Record<string, unknown> = {}) {
  return createIntegration({
    merchantId,
    name: `Netsis ${merchantId}`,
    type: "webhook", // no polling: the test triggers the run itself
    connector: "netsis",
    credentials: netsisCredentials(tenant),
    settings,
  });
}

describe("a Netsis sync end to end", () => {
  it("brings items, stock and prices from the ERP to the platform, page by page through the queue", async () => {
    const merchantId = newMerchant("m-netsis");
    const tenant = newTenant("ns-e2e");
    await configureNetsis(tenant, { items: 120 });
    const id = await netsisIntegration(merchantId, tenant, { pageSize: 50 });

    const test = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.data.report.ok).toBe(true);

    const started = await api("POST", `/api/integrations/${id}/sync`, { token: await admin(), body: { type: "full" } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const run = await waitForRun(started.body.data.runId);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect(run.progress).toMatchObject({ pagesDone: 9, itemsRead: 360, itemsPushed: 360, itemsRejected: 0 });

    const products = await platformRecords(merchantId, "products");
    const inventory = await platformRecords(merchantId, "inventory");
    const prices = await platformRecords(merchantId, "prices");
    expect([products.count, inventory.count, prices.count]).toEqual([120, 120, 120]);

    const basic = item(5).StokTemelBilgi as Record<string, unknown>;
    expect(products.items.find((p) => p.sku === "NT-000005")).toEqual({
      sku: "NT-000005",
      name: basic.Stok_Adi,
      category: basic.Grup_Kodu,
      barcode: (item(5).StokEkBilgi as Record<string, unknown>).Barkod1,
      vatRate: basic.KDV_Orani,
      unit: "kg",
    });
    expect(inventory.items.find((r) => r.sku === "NT-000005")).toEqual({
      sku: "NT-000005",
      stock: Math.round(stock(5, null).Bakiye as number),
    });
    expect(prices.items.find((r) => r.sku === "NT-000025")).toEqual({
      sku: "NT-000025",
      price: price(25).Fiyat,
      currency: "USD",
      vatIncluded: false,
    });
    // One login served the connection test and all nine pages.
    expect((await netsisStats(tenant)).logins).toBe(1);
  });

  it("ends partial when Netsis sends malformed items, and pushes the rest", async () => {
    const merchantId = newMerchant("m-netsis-bad");
    const tenant = newTenant("ns-e2e-bad");
    await configureNetsis(tenant, { items: 20, malformedEvery: 10 });
    const id = await netsisIntegration(merchantId, tenant);
    const started = await api("POST", `/api/integrations/${id}/sync`, {
      token: await admin(),
      body: { type: "products" },
    });
    const run = await waitForRun(started.body.data.runId);
    expect(run.status).toBe("partial");
    expect(run.rejectedSample.map((r) => [r.key, r.reason])).toEqual([
      [null, "StokTemelBilgi.Stok_Kodu is missing"],
      ["NT-000020", 'StokTemelBilgi.KDV_Orani "yüzde on" is not a number'],
    ]);
    expect((await platformRecords(merchantId, "products")).count).toBe(18);
  });
});
