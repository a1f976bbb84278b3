import { describe, expect, it } from "vitest";
import { api } from "../../helpers/api.ts";
import { admin } from "../../helpers/auth.ts";
import { netsisIntegration, orderSettled, syncToEnd } from "../../helpers/integrations.ts";
import {
  configureNetsis,
  netsisControl,
  netsisItem,
  netsisSlips,
  netsisStats,
  newTenant,
} from "../../helpers/netsis.ts";
import { platformRecords } from "../../helpers/sims.ts";
import { newMerchant } from "../../helpers/unique.ts";

const find = async (merchantId: string, entity: string, sku: string) =>
  (await platformRecords(merchantId, entity)).items.find((r) => r.sku === sku);

describe("a Netsis sync end to end", () => {
  it("brings stock cards with barcodes, stock from TBLSTOKPH and prices from the cards to the platform", async () => {
    const merchantId = newMerchant("m-netsis");
    const tenant = newTenant("ns-e2e");
    await configureNetsis(tenant, { items: 120 });
    const id = await netsisIntegration(merchantId, tenant, { pageSize: 50 });

    const test = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.data.report.ok).toBe(true);

    const run = await syncToEnd(id, { type: "full" });
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    // 120 cards, 110 stock rows (every 11th item has none), 120 prices.
    expect(run.progress).toMatchObject({ itemsRead: 350, itemsPushed: 350, itemsRejected: 0, itemsDeactivated: 0 });

    const products = await platformRecords(merchantId, "products");
    const inventory = await platformRecords(merchantId, "inventory");
    const prices = await platformRecords(merchantId, "prices");
    expect([products.count, inventory.count, prices.count]).toEqual([120, 110, 120]);

    const five = await netsisItem(tenant, "NT-000005");
    expect(products.items.find((p) => p.sku === "NT-000005")).toEqual({
      sku: "NT-000005",
      name: five.StokTemelBilgi.Stok_Adi,
      category: five.StokTemelBilgi.Grup_Kodu,
      barcode: five.StokTemelBilgi.Barkod1,
      vatRate: five.StokTemelBilgi.KDV_Orani,
      unit: "kg",
      active: true,
    });
    expect(five.StokTemelBilgi.Barkod1).toMatch(/^869\d{10}$/);
    expect(await find(merchantId, "inventory", "NT-000005")).toEqual({
      sku: "NT-000005",
      stock: Math.floor(five.stock.total),
    });
    const usd = await netsisItem(tenant, "NT-000025");
    expect(await find(merchantId, "prices", "NT-000025")).toEqual({
      sku: "NT-000025",
      price: usd.StokTemelBilgi.Satis_Fiat1,
      currency: "USD",
    });
    // Kilit "E": an inactive product, whose stock is none.
    expect(await find(merchantId, "products", "NT-000097")).toMatchObject({ active: false });
    expect((await netsisItem(tenant, "NT-000097")).stock.total).toBeGreaterThan(0);
    expect(await find(merchantId, "inventory", "NT-000097")).toEqual({ sku: "NT-000097", stock: 0 });
    // One login served the connection test and every page.
    expect((await netsisStats(tenant)).logins).toBe(1);
  });

  it("turns a card deleted in the ERP into an inactive product with no stock at the next full sync", async () => {
    const merchantId = newMerchant("m-netsis-del");
    const tenant = newTenant("ns-e2e-del");
    await configureNetsis(tenant, { items: 30 });
    const id = await netsisIntegration(merchantId, tenant);
    await syncToEnd(id, { type: "full" });
    expect((await find(merchantId, "inventory", "NT-000003"))?.stock).toBeGreaterThan(0);

    await netsisControl(tenant, "/delete", { codes: ["NT-000003"] });
    const run = await syncToEnd(id, { type: "full" });
    expect(run.status).toBe("succeeded");
    expect(run.progress.itemsDeactivated).toBe(1);
    expect(await find(merchantId, "products", "NT-000003")).toMatchObject({ sku: "NT-000003", active: false });
    expect(await find(merchantId, "inventory", "NT-000003")).toEqual({ sku: "NT-000003", stock: 0 });
    expect(await find(merchantId, "products", "NT-000004")).toMatchObject({ active: true });
  });

  it("ends partial when Netsis sends malformed items, and pushes the rest", async () => {
    const merchantId = newMerchant("m-netsis-bad");
    const tenant = newTenant("ns-e2e-bad");
    await configureNetsis(tenant, { items: 20, malformedEvery: 10 });
    const id = await netsisIntegration(merchantId, tenant);
    const run = await syncToEnd(id, { type: "products" });
    expect(run.status).toBe("partial");
    expect(run.rejectedSample.map((r) => [r.key, r.reason])).toEqual([
      [null, "StokTemelBilgi.Stok_Kodu is missing"],
      ["NT-000020", 'StokTemelBilgi.KDV_Orani "yüzde on" is not a number'],
    ]);
    expect((await platformRecords(merchantId, "products")).count).toBe(18);
  });
});

describe("a Netsis order end to end", () => {
  const body = (orderNumber: string) => ({
    orderNumber,
    customerCode: "120.01.001",
    createdAt: "2026-01-20T10:30:00Z",
    lines: [{ sku: "NT-000001", quantity: 2, unitPrice: 149.9 }],
  });

  it("gives an order number longer than FATIRS_NO's 15 characters a number that fits, and writes it once", async () => {
    const tenant = newTenant("ns-e2e-long");
    const id = await netsisIntegration(newMerchant("m-netsis-long"), tenant);
    const number = "WEB-2026-0000001"; // 16 characters
    const sent = await api("POST", `/api/integrations/${id}/orders`, { token: await admin(), body: body(number) });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const document = sent.body.data.order.erpDocumentNumber as string;
    expect(document).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}-0000001$/);

    const exported = await orderSettled(sent.body.data.order.id);
    expect(exported).toMatchObject({ status: "exported", erpOrderId: document, erpDocumentNumber: document });
    const again = await api("POST", `/api/integrations/${id}/orders`, { token: await admin(), body: body(number) });
    expect(again.body.data.duplicate).toBe(true);
    const { slips } = await netsisSlips(tenant);
    expect(slips.map((s) => s.FatUst.FATIRS_NO)).toEqual([document]);
  });

  it("refuses such an order with a clear 400 when the integration says longOrderNumbers: refuse", async () => {
    const tenant = newTenant("ns-e2e-refuse");
    const id = await netsisIntegration(newMerchant("m-netsis-refuse"), tenant, { longOrderNumbers: "refuse" });
    const res = await api("POST", `/api/integrations/${id}/orders`, {
      token: await admin(),
      body: body("WEB-2026-0000001"),
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      {
        field: "orderNumber",
        message:
          'has 16 characters; Netsis ERP (NetOpenX REST) stores document numbers of at most 15. Shorten it, or set the integration\'s settings.longOrderNumbers to "map"',
      },
    ]);
    const short = await api("POST", `/api/integrations/${id}/orders`, { token: await admin(), body: body("WEB-1") });
    expect(short.status).toBe(202);
    expect(short.body.data.order.erpDocumentNumber).toBe("WEB-1");
    expect((await orderSettled(short.body.data.order.id)).status).toBe("exported");
    expect((await netsisSlips(tenant)).count).toBe(1);
  });
});
