import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { orderSettled } from "../helpers/integrations.ts";
import { logoCredentials, logoOrders, newLogoTenant } from "../helpers/logo.ts";
import { netsisCredentials, netsisSlips, newTenant } from "../helpers/netsis.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliverSeed, settled, webhookIntegration } from "../helpers/webhooks.ts";

const order = (orderNumber: string, sku: string) => ({
  orderNumber,
  customerCode: "120.01.001",
  currency: "TRY",
  createdAt: "2026-11-28T09:30:00Z",
  lines: [{ sku, quantity: 2, unitPrice: 149.9, vatRate: 20 }],
});

/** Delivers `order.created` and waits for its event to be applied; the event as the API shows it. */
async function orderEvent(id: string, secret: string, eventId: string, body: ReturnType<typeof order>) {
  const res = await deliverSeed(id, secret, { eventType: "order.created", eventId, data: body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.data.status).toBe("received");
  const event = await settled(res.body.data.id);
  expect(event.status, JSON.stringify(event)).toBe("processed");
  return event;
}

async function ordersOf(integrationId: string) {
  const res = await api("GET", `/api/integrations/${integrationId}/orders`, { token: await admin() });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { id: string; orderNumber: string }[];
}

describe("order.created from the platform", () => {
  it("writes the order into Netsis once; the same order under another event id is recognised by its number", async () => {
    const merchant = newMerchant("wh-order-nt");
    const tenant = newTenant("wh-order");
    const { id, secret } = await webhookIntegration(
      merchant,
      {},
      { connector: "netsis", credentials: netsisCredentials(tenant) },
    );
    const first = await orderEvent(id, secret, "evt-order-1", order("WH-1001", "NT-000001"));
    expect(first.outcome).toMatchObject({ orderNumber: "WH-1001", duplicate: false });
    const orderId = first.outcome?.orderId as string;
    expect(await orderSettled(orderId)).toMatchObject({ status: "exported", createdInErp: true });
    expect((await netsisSlips(tenant)).slips.map((s) => s.FATIRS_NO)).toEqual(["WH-1001"]);

    const again = await orderEvent(id, secret, "evt-order-2", order("WH-1001", "NT-000001"));
    expect(again.outcome).toMatchObject({ orderId, orderNumber: "WH-1001", duplicate: true });
    expect((await netsisSlips(tenant)).count).toBe(1);
    expect((await ordersOf(id)).map((o) => o.id)).toEqual([orderId]);
  });

  it("writes the order into Logo once, and not again for a second event of the same order", async () => {
    const merchant = newMerchant("wh-order-logo");
    const tenant = newLogoTenant("wh-order");
    const { id, secret } = await webhookIntegration(
      merchant,
      {},
      {
        connector: "logo",
        credentials: logoCredentials(tenant),
        settings: { periodNo: 1, pageSize: 50, rateLimitRequests: 100 },
      },
    );
    const first = await orderEvent(id, secret, "evt-logo-1", order("WH-2001", "ITM-000001"));
    const orderId = first.outcome?.orderId as string;
    expect(await orderSettled(orderId)).toMatchObject({ status: "exported" });
    expect((await logoOrders(tenant)).count).toBe(1);

    const again = await orderEvent(id, secret, "evt-logo-2", order("WH-2001", "ITM-000001"));
    expect(again.outcome).toMatchObject({ orderId, duplicate: true });
    expect((await logoOrders(tenant)).count).toBe(1);
    expect((await ordersOf(id)).map((o) => o.id)).toEqual([orderId]);
  });

  it("rejects an order.created whose data is not an order, with the field at fault, and writes nothing", async () => {
    const merchant = newMerchant("wh-order-bad");
    const tenant = newTenant("wh-order-bad");
    const { id, secret } = await webhookIntegration(
      merchant,
      {},
      { connector: "netsis", credentials: netsisCredentials(tenant) },
    );
    const { lines: _lines, ...noLines } = order("WH-3001", "NT-000001");
    const res = await deliverSeed(id, secret, { eventType: "order.created", data: noLines });
    expect(res.status).toBe(202);
    const event = await settled(res.body.data.id);
    expect(event.status).toBe("rejected");
    expect(event.error).toMatch(/lines/);
    expect((await netsisSlips(tenant)).count).toBe(0);
    expect(await ordersOf(id)).toEqual([]);
  });
});
