import { describe, expect, it } from "vitest";
import type { PlatformOrder } from "../../../src/connectors/definition.ts";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import { logoConnector, logoSim, newLogoTenant } from "../../helpers/logo.ts";

const order = (overrides: Partial<PlatformOrder> = {}): PlatformOrder => ({
  orderNumber: "SO-2024-000123",
  documentNumber: overrides.orderNumber ?? "SO-2024-000123",
  customerCode: "120.01.001",
  currency: "TRY",
  createdAt: "2024-01-20T22:30:00Z",
  lines: [
    { sku: "ITM-000001", quantity: 2, unitPrice: 149.9, vatRate: 20 },
    { sku: "ITM-000005", quantity: 1.5, unitPrice: 80, vatRate: 1 },
  ],
  ...overrides,
});

const simOrders = (tenant: string) => logoSim<{ count: number; orders: any[] }>(tenant, "GET", "/orders");

describe("Logo sales orders", () => {
  it("writes an order once: the second call finds it by number and creates nothing", async () => {
    const tenant = newLogoTenant("orders");
    const connector = logoConnector(tenant);
    const create = connector.createOrder as NonNullable<typeof connector.createOrder>;
    const first = await create(order());
    expect(first.created).toBe(true);
    expect(await create(order())).toEqual({ erpOrderId: first.erpOrderId, created: false });
    const stored = await simOrders(tenant);
    expect(stored.count).toBe(1);
    expect(stored.orders[0]).toMatchObject({
      INTERNAL_REFERENCE: Number(first.erpOrderId),
      NUMBER: "SO-2024-000123",
      ARP_CODE: "120.01.001",
      // 22:30 UTC is the next day in Turkey; ISO, which no service reads month first.
      DATE: "2024-01-21T00:00:00",
      TRANSACTIONS: {
        items: [
          { TYPE: 0, MASTER_CODE: "ITM-000001", QUANTITY: 2, PRICE: 149.9, VAT_RATE: 20 },
          { TYPE: 0, MASTER_CODE: "ITM-000005", QUANTITY: 1.5, PRICE: 80, VAT_RATE: 1 },
        ],
      },
    });
    const second = await create(order({ orderNumber: "SO-2024-000124", documentNumber: "SO-2024-000124" }));
    expect(second.created).toBe(true);
    expect(second.erpOrderId).not.toBe(first.erpOrderId);
  });

  it("writes the order under its document number, and looks it up by that", async () => {
    const tenant = newLogoTenant("document");
    const create = logoConnector(tenant).createOrder as NonNullable<ReturnType<typeof logoConnector>["createOrder"]>;
    const long = order({ orderNumber: "MARKETPLACE-2026-0000123", documentNumber: "KQ1Z4M-000000123" });
    expect((await create(long)).created).toBe(true);
    expect((await create(long)).created).toBe(false);
    const stored = await simOrders(tenant);
    expect(stored.orders.map((o) => o.NUMBER)).toEqual(["KQ1Z4M-000000123"]);
  });

  it("is refused by Logo for a NUMBER longer than its field, writing nothing", async () => {
    const tenant = newLogoTenant("too-long");
    const create = logoConnector(tenant).createOrder as NonNullable<ReturnType<typeof logoConnector>["createOrder"]>;
    const error = await create(order({ documentNumber: "X".repeat(17) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect((await simOrders(tenant)).count).toBe(0);
  });

  it("finds an order number with a quote in it", async () => {
    const tenant = newLogoTenant("quote");
    const create = logoConnector(tenant).createOrder as NonNullable<ReturnType<typeof logoConnector>["createOrder"]>;
    expect((await create(order({ orderNumber: "O'REILLY-1", documentNumber: "O'REILLY-1" }))).created).toBe(true);
    expect((await create(order({ orderNumber: "O'REILLY-1", documentNumber: "O'REILLY-1" }))).created).toBe(false);
    expect((await simOrders(tenant)).count).toBe(1);
  });

  it("fails for good with Logo's message when an item is unknown, writing nothing", async () => {
    const tenant = newLogoTenant("unknown-item");
    const create = logoConnector(tenant).createOrder as NonNullable<ReturnType<typeof logoConnector>["createOrder"]>;
    const error = (await create(order({ lines: [{ sku: "NOPE-1", quantity: 1, unitPrice: 1, vatRate: 20 }] })).catch(
      (e: unknown) => e,
    )) as UpstreamError & { problem: { keys: string[] } };
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, status: 400, message: expect.stringContaining("NOPE-1") });
    expect(error.problem.keys).toEqual(["LOError:"]);
    expect((await simOrders(tenant)).count).toBe(0);
  });

  it("refuses an order in another currency than the integration's", async () => {
    const tenant = newLogoTenant("currency");
    const create = logoConnector(tenant).createOrder as NonNullable<ReturnType<typeof logoConnector>["createOrder"]>;
    await expect(create(order({ currency: "EUR" }))).rejects.toMatchObject({ retryable: false });
    expect((await simOrders(tenant)).count).toBe(0);
  });

  it("retries a write that failed with a 5xx without duplicating it", async () => {
    const tenant = newLogoTenant("retry");
    const create = logoConnector(tenant).createOrder as NonNullable<ReturnType<typeof logoConnector>["createOrder"]>;
    await logoSim(tenant, "PUT", "/config", { failNext: 1 });
    await expect(create(order())).rejects.toMatchObject({ retryable: true, status: 500 });
    const written = await create(order());
    expect(written.created).toBe(true);
    expect(await create(order())).toEqual({ erpOrderId: written.erpOrderId, created: false });
    expect((await simOrders(tenant)).count).toBe(1);
  });
});
