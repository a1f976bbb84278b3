import { describe, expect, it } from "vitest";
import { configureLogo, logoOrders, logoStats } from "../../../helpers/logo.ts";
import { api, modelState, q, tenantWith } from "./call.ts";

/** L1's sample order, on the simulator's items. */
const order = (overrides: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
  INTERNAL_REFERENCE: 0,
  NUMBER: "~",
  DATE: "02.05.2016",
  TIME: 102581337,
  ARP_CODE: "CARI.01",
  CURRSEL_TOTAL: 1,
  TRANSACTIONS: {
    items: [
      {
        TYPE: 0,
        MASTER_CODE: "ITM-000002",
        QUANTITY: 5,
        PRICE: 10,
        VAT_RATE: 18,
        UNIT_CODE: "ADET",
        UNIT_CONV1: 1,
        UNIT_CONV2: 1,
        EDT_CURR: 1,
        ...line,
      },
    ],
  },
  ...overrides,
});

describe("the Logo simulator: POST /salesOrders", () => {
  it("lists an order written after a sorted list of orders was read", async () => {
    const { tenant, token } = await tenantWith("orders-fresh");
    const find = () => api(tenant, `/salesOrders?q=${q("NUMBER eq 'SO-9'")}&sort=INTERNAL_REFERENCE`, { token });
    expect((await find()).body.items).toEqual([]);
    expect((await api(tenant, "/salesOrders", { method: "POST", token, body: order({ NUMBER: "SO-9" }) })).status).toBe(
      200,
    );
    expect((await find()).body.items.map((o: { NUMBER: string }) => o.NUMBER)).toEqual(["SO-9"]);
  });

  it("answers the record as sent with its INTERNAL_REFERENCE, NUMBER still ~, the dotted DATE read month first (L1)", async () => {
    const { tenant, token } = await tenantWith("orders");
    const res = await api(tenant, "/salesOrders", { method: "POST", token, body: order() });
    expect(res).toMatchObject({ status: 200 });
    expect(res.body).toEqual({
      INTERNAL_REFERENCE: 735,
      NUMBER: "~",
      DATE: "2016-02-05T00:00:00",
      TIME: 102581337,
      ARP_CODE: "CARI.01",
      CURRSEL_TOTAL: 1,
      TRANSACTIONS: { items: [{ INTERNAL_REFERENCE: null, ...order().TRANSACTIONS.items[0] }] },
    });
  });

  it("reads one back with expandLevel=full: TYPE 1, the number from the template, created now, never modified", async () => {
    const { tenant, token } = await tenantWith("orders-read");
    await api(tenant, "/salesOrders", { method: "POST", token, body: order() });
    await api(tenant, "/salesOrders", { method: "POST", token, body: order({ DATE: "2026-01-20T10:30:00" }) });
    const full = await api(tenant, "/salesOrders/736?expandLevel=full", { token });
    expect(full.body).toMatchObject({
      Meta: { href: `https://sims.test/logo/${tenant}/api/v1/salesOrders/736` },
      INTERNAL_REFERENCE: 736,
      TYPE: 1,
      NUMBER: "0000000000000776",
      DATE: "2026-01-20T00:00:00",
      ARP_CODE: "CARI.01",
      SOURCE_WH: 0,
      TOTAL_GROSS: 50,
      TOTAL_VAT: 9,
      TOTAL_NET: 59,
      CREATED_BY: 1,
      DATE_CREATED: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00$/),
      DATE_MODIFIED: "1899-12-30T00:00:00",
      HOUR_MODIFIED: 0,
      MIN_MODIFIED: 0,
      SEC_MODIFIED: 0,
    });
    expect(full.body.TRANSACTIONS.items).toEqual([
      expect.objectContaining({
        INTERNAL_REFERENCE: 2110,
        TYPE: 0,
        MASTER_CODE: "ITM-000002",
        STOCKREF: 2,
        ORDFICHEREF: 736,
        QUANTITY: 5,
        TOTAL: 50,
        VAT_AMOUNT: 9,
        Meta: expect.any(Object),
      }),
    ]);
    const plain = await api(tenant, "/salesOrders/735", { token });
    expect(plain.body.NUMBER).toBe("0000000000000775");
    expect(plain.body.TRANSACTIONS).toEqual({
      Meta: expect.objectContaining({ href: expect.stringContaining("/salesOrders/735/TRANSACTIONS") }),
    });
    expect((await api(tenant, "/salesOrders/999", { token })).status).toBe(404);
  });

  it("stores the same NUMBER twice as two orders, found with q NUMBER eq", async () => {
    const { tenant, token } = await tenantWith("orders-twice");
    for (let k = 0; k < 2; k++)
      await api(tenant, "/salesOrders", { method: "POST", token, body: order({ NUMBER: "SO-1001" }) });
    const found = await api(tenant, `/salesOrders?q=${q("NUMBER eq 'SO-1001'")}`, { token });
    expect(found.body.items.map((o: any) => o.INTERNAL_REFERENCE)).toEqual([735, 736]);
    expect((await api(tenant, `/salesOrders?q=${q("NUMBER eq 'SO-9'")}`, { token })).body.count).toBe(0);
    expect((await logoOrders(tenant)).count).toBe(2);
  });

  it("writes the order when the URL asks for a dry run: no public source has one", async () => {
    const { tenant, token } = await tenantWith("orders-dry");
    const res = await api(tenant, "/salesOrders?validateOnly=true", { method: "POST", token, body: order() });
    expect(res).toMatchObject({ status: 200, body: { INTERNAL_REFERENCE: 735 } });
    expect((await logoStats(tenant)).orders).toBe(1);
  });

  it("answers 201 with orderCreatedStatus 201", async () => {
    const { tenant, token } = await tenantWith("orders-201", { orderCreatedStatus: 201 });
    expect((await api(tenant, "/salesOrders", { method: "POST", token, body: order() })).status).toBe(201);
  });

  it("refuses a NUMBER longer than the column (16 unless numberMaxLength says otherwise) with DBError", async () => {
    const { tenant, token } = await tenantWith("orders-long");
    const long = order({ NUMBER: "SO-2026-000000001" });
    expect(await api(tenant, "/salesOrders", { method: "POST", token, body: long })).toMatchObject({
      status: 400,
      body: modelState("DBError", "String or binary data would be truncated."),
    });
    expect(
      (await api(tenant, "/salesOrders", { method: "POST", token, body: order({ NUMBER: "SO-2026-00000001" }) }))
        .status,
    ).toBe(200);
    await configureLogo(tenant, { numberMaxLength: 20 });
    expect((await api(tenant, "/salesOrders", { method: "POST", token, body: long })).status).toBe(200);
    expect((await logoOrders(tenant)).orders.map((o) => o.NUMBER)).toEqual(["SO-2026-00000001", "SO-2026-000000001"]);
  });

  it("refuses in Turkish what Logo Objects would: an unknown material or unit, a missing customer or date", async () => {
    const { tenant, token } = await tenantWith("orders-bad");
    const post = (body: unknown) => api(tenant, "/salesOrders", { method: "POST", token, body });
    expect(await post(order({}, { MASTER_CODE: "NOPE" }))).toMatchObject({
      status: 400,
      body: modelState("LOError:", "'NOPE' kodlu malzeme kartı bulunamadı."),
    });
    expect(await post(order({}, { UNIT_CODE: "KG" }))).toMatchObject({ status: 400, body: modelState("LOError:") });
    expect(await post(order({ SOURCE_WH: 7 }))).toMatchObject({ status: 400, body: modelState("LOError:") });
    expect(await post(order({ ARP_CODE: "" }))).toMatchObject({ status: 400, body: modelState("ValError0") });
    expect(await post(order({ DATE: "25.05.2016" }))).toMatchObject({ status: 400, body: modelState("DATE") });
    expect(await post(order({}, { QUANTITY: 0 }))).toMatchObject({ status: 400, body: modelState("ValError0") });
    expect(await post("{not json")).toMatchObject({ status: 400, body: modelState("OtherError") });
    expect((await logoOrders(tenant)).count).toBe(0);
  });

  it("keeps the warehouse and the lines as stored in __sim/orders", async () => {
    const { tenant, token } = await tenantWith("orders-sim");
    await api(tenant, "/salesOrders", {
      method: "POST",
      token,
      body: order({ SOURCE_WH: 2, NUMBER: "A1" }, { MASTER_CODE: "ITM-000005", UNIT_CODE: "KG", QUANTITY: 1.5 }),
    });
    const [stored] = (await logoOrders(tenant)).orders;
    expect(stored).toMatchObject({
      NUMBER: "A1",
      SOURCE_WH: 2,
      TRANSACTIONS: { items: [{ MASTER_CODE: "ITM-000005", QUANTITY: 1.5, SOURCE_WH: 2, UNIT_CODE: "KG" }] },
    });
  });
});
