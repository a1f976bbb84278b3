import { describe, expect, it } from "vitest";
import { configureLogo, deleteLogoItems, logoItemTruth, newLogoTenant } from "../../../helpers/logo.ts";
import { api, bearer, login, modelState, q, tenantWith } from "./call.ts";

const tsql = (statement: string) => `/queries?tsql=${q(statement)}`;
const unsafe = (tenant: string, token: string, statement: unknown, path = "/queries/unsafe?cmdTimeout=60") =>
  api(tenant, path, { method: "POST", token, body: JSON.stringify(statement) });

describe("the Logo simulator: SQL through /queries", () => {
  it("refuses SQL calls until the REST service settings allow them (L1: off by default)", async () => {
    const { tenant, token } = await tenantWith("sql-off");
    expect(await api(tenant, tsql("SELECT 1"), { token })).toMatchObject({
      status: 400,
      body: modelState("OtherError"),
    });
    expect(await unsafe(tenant, token, "SELECT 1")).toMatchObject({ status: 400, body: modelState("OtherError") });
    await configureLogo(tenant, { sql: true });
    expect(await api(tenant, tsql("SELECT 1 AS one"), { token })).toMatchObject({
      status: 200,
      body: { count: 1, items: [{ one: 1 }] },
    });
  });

  it("runs GET /queries, GET /Queries and POST /queries/unsafe with a JSON string body", async () => {
    const { tenant, token } = await tenantWith("sql-paths", { items: 60, sql: true });
    const statement = "SELECT TOP 5 LOGICALREF, CODE FROM LG_001_ITEMS WHERE CARDTYPE<>22";
    const expected = [1, 2, 3, 4, 5].map((ref) => ({ LOGICALREF: ref, CODE: `ITM-00000${ref}` }));
    for (const res of [
      await api(tenant, tsql(statement), { token }),
      await api(tenant, `/Queries?TSQL=${q(statement)}`, { token }),
      await unsafe(tenant, token, statement),
      await unsafe(tenant, token, statement, "/Queries/Unsafe"),
    ]) {
      expect(res).toMatchObject({ status: 200, body: { offset: 0, count: 5, items: expected } });
      expect(res.body.Meta.href).toContain("/queries");
    }
    expect((await api(tenant, "/queries", { token })).body).toEqual(modelState("tsql"));
    expect((await unsafe(tenant, token, { query: statement })).status).toBe(400);
  });

  it("serves its own firm's and period's tables, and 208 for any other", async () => {
    const tenant = newLogoTenant("sql-firm");
    await configureLogo(tenant, { items: 10, firmNo: 3, periodNo: 2, sql: true });
    const token = (await login(tenant, { firmno: "003" })).body.access_token;
    for (const table of [
      "LG_003_02_STINVTOT",
      "LV_003_02_STINVTOT",
      "lv_003_02_gntotst",
      "LG_003_02_GNTOTST",
      "LG_003_ITEMS",
      "[dbo].[LG_003_ITEMS]",
    ]) {
      expect((await api(tenant, tsql(`SELECT TOP 1 * FROM ${table}`), { token })).status, table).toBe(200);
    }
    for (const table of ["LV_003_01_STINVTOT", "LV_001_02_STINVTOT", "LG_001_ITEMS", "LG_003_CLCARD"]) {
      expect(await api(tenant, tsql(`SELECT * FROM ${table}`), { token }), table).toMatchObject({
        status: 400,
        body: modelState("208", `Invalid object name '${table}'.`),
      });
    }
  });

  it("keeps STINVTOT rows per item, warehouse and date with INVENNO -1 totals: summing without it counts twice", async () => {
    const { tenant, token } = await tenantWith("sql-stock", { items: 40, sql: true });
    const truth = (await logoItemTruth(tenant, "ITM-000004")).onHand;
    const rows = (await api(tenant, tsql("SELECT * FROM LV_001_01_STINVTOT WHERE STOCKREF = 4"), { token })).body.items;
    expect(Object.keys(rows[0])).toEqual(["STOCKREF", "INVENNO", "DATE_", "PURAMNT", "SALAMNT", "ONHAND", "ACTSORDER"]);
    expect(rows[0]).toMatchObject({ STOCKREF: 4, INVENNO: -1, DATE_: expect.stringMatching(/T00:00:00$/) });
    // Item 4 is in all three warehouses, on three dates.
    expect(new Set(rows.map((r: any) => r.INVENNO))).toEqual(new Set([-1, 0, 1, 2]));
    expect(new Set(rows.map((r: any) => r.DATE_)).size).toBe(3);
    expect(rows).toHaveLength(12);
    for (const r of rows) expect(r.ONHAND).toBeCloseTo(r.PURAMNT - r.SALAMNT, 3);
    const sum = async (where: string) =>
      (
        await api(
          tenant,
          tsql(
            `SELECT STOCKREF, SUM(ONHAND) AS ONHAND FROM LV_001_01_STINVTOT WHERE STOCKREF = 4 ${where} GROUP BY STOCKREF`,
          ),
          { token },
        )
      ).body.items[0].ONHAND;
    expect(await sum("AND INVENNO = -1")).toBeCloseTo(truth.total, 3);
    expect(await sum("")).toBeCloseTo(2 * truth.total, 3);
    expect(await sum("AND INVENNO = 2")).toBeCloseTo(truth.byWarehouse["2"] as number, 3);
    const totals = (
      await api(tenant, tsql("SELECT INVENNO, ONHAND FROM LV_001_01_GNTOTST WHERE STOCKREF = 4"), { token })
    ).body.items;
    expect(totals).toEqual([
      { INVENNO: -1, ONHAND: truth.total },
      ...Object.entries(truth.byWarehouse).map(([w, n]) => ({ INVENNO: Number(w), ONHAND: n })),
    ]);
  });

  it("has KG items with fractions and a few with negative stock, none for material classes", async () => {
    const { tenant } = await tenantWith("sql-kinds", { items: 100 });
    expect((await logoItemTruth(tenant, "ITM-000005")).onHand.total % 1).not.toBe(0);
    expect((await logoItemTruth(tenant, "ITM-000031")).onHand.total).toBeLessThan(0);
    expect((await logoItemTruth(tenant, "ITM-000041")).onHand).toEqual({ total: 0, byWarehouse: {} });
  });

  it("answers L6's stock queries, the JOIN to the items included", async () => {
    const { tenant, token } = await tenantWith("sql-l6", { items: 50, sql: true });
    const statements = [
      "SELECT STOCKREF, SUM(ONHAND) AS ONHAND FROM LV_001_01_STINVTOT WHERE INVENNO = -1 GROUP BY STOCKREF",
      "SELECT S.STOCKREF, SUM(S.ONHAND) AS ONHAND FROM LV_001_01_STINVTOT S INNER JOIN LG_001_ITEMS I ON I.LOGICALREF = S.STOCKREF WHERE I.ACTIVE = 0 AND S.INVENNO = -1 GROUP BY S.STOCKREF",
    ];
    const [all, active] = await Promise.all(
      statements.map(async (s) => (await api(tenant, tsql(s), { token })).body.items),
    );
    expect(all.find((r: any) => r.STOCKREF === 24).ONHAND).toBeCloseTo(
      (await logoItemTruth(tenant, "ITM-000024")).onHand.total,
      3,
    );
    expect(all.map((r: any) => r.STOCKREF)).not.toContain(41);
    expect(active.map((r: any) => r.STOCKREF)).not.toContain(23);
    expect(active.length).toBe(all.length - 2);
  });

  it("answers SQL errors as ModelState keyed by their number, and refuses anything but SELECT", async () => {
    const { tenant, token } = await tenantWith("sql-errors", { sql: true });
    expect(await api(tenant, tsql("SELECT PTYPE FROM LG_001_ITEMS"), { token })).toMatchObject({
      status: 400,
      body: modelState("207", "Invalid column name 'PTYPE'."),
    });
    expect(await api(tenant, tsql("SELECT * FROM LG_001_ITEMS WHERE"), { token })).toMatchObject({
      status: 400,
      body: modelState("156", "Incorrect syntax near the keyword 'WHERE'."),
    });
    expect(
      await api(tenant, tsql("SELECT STOCKREF, ONHAND FROM LV_001_01_STINVTOT GROUP BY STOCKREF"), { token }),
    ).toMatchObject({
      status: 400,
      body: modelState("8120"),
    });
    expect(await unsafe(tenant, token, "DELETE FROM LG_001_ITEMS")).toMatchObject({
      status: 400,
      body: modelState("OtherError"),
    });
  });

  it("returns every row by default, or pages with offset/limit and next when queriesPaging is limit", async () => {
    const { tenant, token } = await tenantWith("sql-paging", { items: 30, sql: true });
    const statement = "SELECT LOGICALREF FROM LG_001_ITEMS ORDER BY LOGICALREF";
    const all = await api(tenant, `${tsql(statement)}&limit=5`, { token });
    expect(all.body).toMatchObject({ offset: 0, count: 30, limit: 30, next: null });
    await configureLogo(tenant, { queriesPaging: "limit" });
    const first = await api(tenant, tsql(statement), { token });
    expect(first.body).toMatchObject({ offset: 0, count: 10, limit: 10 });
    expect(first.body.next.href).toContain("offset=10&limit=10");
    const last = await api(tenant, `${tsql(statement)}&offset=25&limit=10&withCount=true`, { token });
    expect(last.body).toMatchObject({ offset: 25, count: 5, totalCount: 30, next: null });
    expect(last.body.items[0]).toEqual({ LOGICALREF: 26 });
  });

  it("refuses JOINs on GET /queries with queriesJoin fail, while /queries/unsafe runs them", async () => {
    const { tenant, token } = await tenantWith("sql-join", { items: 10, sql: true, queriesJoin: "fail" });
    const join =
      "SELECT TOP 3 S.STOCKREF, I.CODE FROM LV_001_01_STINVTOT S JOIN LG_001_ITEMS I ON I.LOGICALREF = S.STOCKREF WHERE S.INVENNO = -1";
    expect(await api(tenant, tsql(join), { token })).toMatchObject({ status: 400, body: modelState("LOError:") });
    expect((await api(tenant, tsql("SELECT TOP 1 CODE FROM LG_001_ITEMS"), { token })).status).toBe(200);
    expect((await unsafe(tenant, token, join)).body.items).toHaveLength(3);
    await configureLogo(tenant, { queriesJoin: "ok" });
    expect((await api(tenant, tsql(join), { token })).body.items).toHaveLength(3);
  });

  it("reads a page of a 100,000-item stock view quickly, and never a deleted item", async () => {
    const { tenant, token } = await tenantWith("sql-big", { items: 100_000, sql: true });
    const started = Date.now();
    const page =
      "SELECT TOP 500 STOCKREF, SUM(ONHAND) AS ONHAND FROM LV_001_01_STINVTOT WHERE STOCKREF > 4500 AND INVENNO = -1 GROUP BY STOCKREF ORDER BY STOCKREF";
    const rows = (await api(tenant, tsql(page), { token })).body.items;
    expect(rows).toHaveLength(500);
    expect(rows[0].STOCKREF).toBe(4501);
    expect(Date.now() - started).toBeLessThan(2000);
    await deleteLogoItems(tenant, ["ITM-004501"]);
    expect((await api(tenant, tsql(page), { token: await bearer(tenant) })).body.items[0].STOCKREF).toBe(4502);
  });
});
