import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { documentNumber } from "../../src/orders/document-number.ts";
import { api } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { csvIntegration, netsisIntegration, orderSettled } from "../helpers/integrations.ts";
import { netsisSlips, newTenant } from "../helpers/netsis.ts";
import { newMerchant } from "../helpers/unique.ts";

const order = (orderNumber: string, sku = "NT-000001") => ({
  orderNumber,
  customerCode: "120.01.001",
  currency: "TRY",
  createdAt: "2026-11-28T09:30:00Z",
  lines: [
    { sku, quantity: 2, unitPrice: 149.9, vatRate: 20 },
    { sku: "NT-000002", quantity: 1, unitPrice: 20, vatRate: 10 },
  ],
});

async function netsisTarget(label: string) {
  const merchantId = newMerchant(label);
  const tenant = newTenant(label);
  return { merchantId, tenant, id: await netsisIntegration(merchantId, tenant) };
}

async function send(id: string, body: unknown, token?: string) {
  return api("POST", `/api/integrations/${id}/orders`, { token: token ?? (await admin()), body });
}

const events = async (integrationId: string) =>
  (
    await env.DB.prepare(
      "SELECT type, payload FROM integration_events WHERE integration_id = ? ORDER BY created_at, id",
    )
      .bind(integrationId)
      .all<{ type: string; payload: string }>()
  ).results.map((e) => ({ type: e.type, payload: JSON.parse(e.payload) }));

describe("orders into the ERP", () => {
  it("writes an order into the ERP once, records the ERP's id and emits order.exported", async () => {
    const { id, tenant } = await netsisTarget("m-order");
    const res = await send(id, order("SO-1001"));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data).toMatchObject({ duplicate: false, order: { orderNumber: "SO-1001", status: "queued" } });

    const done = await orderSettled(res.body.data.order.id);
    expect(done).toMatchObject({ status: "exported", erpOrderId: "SO-1001", createdInErp: true, lastError: null });
    const slips = await netsisSlips(tenant);
    expect(slips.slips.map((s) => s.FATIRS_NO)).toEqual(["SO-1001"]);
    expect(slips.slips[0]?.Kalems).toHaveLength(2);
    expect(await events(id)).toEqual([
      {
        type: "order.exported",
        payload: expect.objectContaining({ orderNumber: "SO-1001", erpOrderId: "SO-1001", createdInErp: true }),
      },
    ]);
  });

  it("answers the same order number again with the first order and writes nothing more", async () => {
    const { id, tenant } = await netsisTarget("m-order-twice");
    const first = await send(id, order("SO-2001"));
    await orderSettled(first.body.data.order.id);
    const again = await send(id, order("SO-2001"));
    expect(again.status).toBe(202);
    expect(again.body.data).toMatchObject({
      duplicate: true,
      order: { id: first.body.data.order.id, status: "exported" },
    });
    expect((await netsisSlips(tenant)).count).toBe(1);
  });

  it("never writes a second ERP order when the export job is delivered again", async () => {
    const { id, tenant } = await netsisTarget("m-order-redeliver");
    const sent = await send(id, order("SO-3001"));
    const orderId = sent.body.data.order.id as string;
    await orderSettled(orderId);
    const job = { kind: "order.export", orderId, integrationId: id };

    // A redelivery after the export: the order is exported, nothing happens.
    await env.ORDER_QUEUE.send(job);
    // A crash after the ERP write but before the gateway recorded it: the connector finds the
    // number in the ERP and records it without writing again.
    await env.DB.prepare("UPDATE orders SET status = 'queued', erp_order_id = NULL WHERE id = ?").bind(orderId).run();
    await Promise.all([env.ORDER_QUEUE.send(job), env.ORDER_QUEUE.send(job)]);
    const redone = await orderSettled(orderId);
    expect(redone).toMatchObject({ status: "exported", erpOrderId: "SO-3001", createdInErp: false });
    expect((await netsisSlips(tenant)).count).toBe(1);
  });

  it("fails an order the ERP refuses, with the ERP's reason, and a resend retries it", async () => {
    const { id, tenant } = await netsisTarget("m-order-bad");
    const sent = await send(id, order("SO-4001", "NO-SUCH-CODE"));
    const failed = await orderSettled(sent.body.data.order.id);
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/NO-SUCH-CODE/);
    expect((await events(id)).map((e) => e.type)).toEqual(["order.failed"]);
    expect((await netsisSlips(tenant)).count).toBe(0);

    const resent = await send(id, order("SO-4001", "NO-SUCH-CODE"));
    expect(resent.body.data).toMatchObject({ duplicate: true, order: { status: "queued" } });
    expect((await orderSettled(sent.body.data.order.id)).status).toBe("failed");
  });

  it("lists an integration's orders and scopes them to their merchant", async () => {
    const { id, merchantId } = await netsisTarget("m-order-list");
    const sent = await send(id, order("SO-5001"));
    await orderSettled(sent.body.data.order.id);
    const list = await api("GET", `/api/integrations/${id}/orders?status=exported`, {
      token: await merchant(merchantId),
    });
    expect(list.status).toBe(200);
    expect(list.body.data.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(["SO-5001"]);
    const other = await api("GET", `/api/orders/${sent.body.data.order.id}`, { token: await merchant("someone-else") });
    expect(other.status).toBe(404);
  });
});

describe("order document numbers", () => {
  it("refuses an order whose document number another order already has, rather than make two orders one", async () => {
    const { id } = await netsisTarget("o-clash");
    const long = "MARKETPLACE-2026-0000777";
    const document = await documentNumber(long, 15);
    // An order stored earlier under that document number (as only a hash collision could make it).
    await env.DB.prepare(
      `INSERT INTO orders (id, integration_id, merchant_id, order_number, erp_document_number, payload, status, attempts, created_at, updated_at)
       SELECT 'ord_01CLASH0000000000000000000', id, merchant_id, 'OTHER-1', ?, '{}', 'exported', 0, 0, 0 FROM integrations WHERE id = ?`,
    )
      .bind(document, id)
      .run();
    const res = await send(id, order(long));
    expect(res.status).toBe(409);
    expect(res.body.error).toBe(
      `Order ${long} would be document ${document} in the ERP, which order OTHER-1 already is; give it another order number`,
    );
  });
});

describe("order input", () => {
  it("refuses orders for a connector that cannot write them", async () => {
    const merchantId = newMerchant("m-order-csv");
    const csv = await csvIntegration(merchantId, { csv: "sku,name,price,stock\nA,B,1,1\n" });
    const res = await send(csv, order("SO-6001"));
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({ field: "id", message: expect.stringMatching(/cannot write orders/) });
  });

  it("names the bad field of a malformed order and stores nothing", async () => {
    const { id } = await netsisTarget("m-order-invalid");
    const res = await send(id, { ...order("SO-7001"), lines: [] });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe("lines");
    const bad = await send(id, { ...order("SO 7002") });
    expect(bad.body.details[0].field).toBe("orderNumber");
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE integration_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);
  });

  it("lets no viewer send orders", async () => {
    const { id, merchantId } = await netsisTarget("m-order-viewer");
    expect((await send(id, order("SO-8001"), await viewer(merchantId))).status).toBe(403);
  });
});
