import { describe, expect, it } from "vitest";
import {
  netsisCall,
  netsisControl,
  netsisItem,
  netsisSession,
  netsisSlip,
  netsisToken,
} from "../../../helpers/netsis.ts";

async function session(label: string, config?: Record<string, unknown>) {
  const { tenant, token } = await netsisSession(label, config);
  const sql = async (tsql: string) => netsisCall(tenant, token, `/Queries?tsql=${encodeURIComponent(tsql)}`);
  return { tenant, token, sql };
}

// N3's stock query, word for word.
const n3 = (code: string, depot = 1) =>
  `SELECT (TOP_GIRIS_MIK-TOP_CIKIS_MIK) FROM TBLSTOKPH WHERE DEPO_KODU=${depot} AND STOK_KODU='${code}'`;

describe("Netsis simulator: GET /Queries?tsql=", () => {
  it("answers N3's stock query in the envelope, the unnamed column as Column1", async () => {
    const { tenant, sql } = await session("nsq-n3");
    const truth = await netsisItem(tenant, "NT-000005");
    const answer = await sql(n3("NT-000005"));
    expect(answer).toMatchObject({ status: 200, body: { IsSuccessful: true, ErrorCode: null, ErrorDesc: null } });
    expect(answer.body.Data).toEqual([{ Column1: expect.any(Number) }]);
    expect(answer.body.Data[0].Column1).toBeCloseTo(truth.stock.byDepot["1"] as number, 3);
    expect(Number.isInteger(answer.body.Data[0].Column1)).toBe(false); // NT-000005 is sold by the kilo
    expect((await sql(n3("NT-000011"))).body.Data).toEqual([]); // no movement at all
  });

  it('answers in the shape queriesShape asks for: "rows" a bare array of objects, "table" arrays of values', async () => {
    const rows = await session("nsq-rows", { queriesShape: "rows" });
    const bare = await rows.sql(n3("NT-000002"));
    expect(bare.body).toEqual([{ Column1: expect.any(Number) }]);
    const table = await session("nsq-table", { queriesShape: "table" });
    const arrays = await table.sql("SELECT STOK_KODU, DEPO_KODU FROM TBLSTOKPH WHERE STOK_KODU = 'NT-000002'");
    expect(arrays.body).toEqual([
      ["NT-000002", 1],
      ["NT-000002", 2],
    ]);
  });

  it("holds one TBLSTOKPH row per item and depot: some items in one depot, some in none, a few negative", async () => {
    const { tenant, sql } = await session("nsq-rows-per-item", { items: 50 });
    const all = (
      await sql("SELECT STOK_KODU, DEPO_KODU, TOP_GIRIS_MIK - TOP_CIKIS_MIK AS BAKIYE, MUS_TOP_SIPARIS FROM TBLSTOKPH")
    ).body.Data as { STOK_KODU: string; DEPO_KODU: number; BAKIYE: number }[];
    const depotsOf = (code: string) => all.filter((r) => r.STOK_KODU === code).map((r) => r.DEPO_KODU);
    expect(depotsOf("NT-000001")).toEqual([1, 2]);
    expect(depotsOf("NT-000003")).toEqual([1]);
    expect(depotsOf("NT-000011")).toEqual([]);
    expect(all.find((r) => r.STOK_KODU === "NT-000023" && r.DEPO_KODU === 2)?.BAKIYE).toBeLessThan(0);
    expect(all.some((r) => !Number.isInteger(r.BAKIYE))).toBe(true);
    const truth = await netsisItem(tenant, "NT-000023");
    const summed = (
      await sql(
        "SELECT STOK_KODU, SUM(TOP_GIRIS_MIK - TOP_CIKIS_MIK) AS BAKIYE FROM TBLSTOKPH WHERE STOK_KODU = 'NT-000023' GROUP BY STOK_KODU",
      )
    ).body.Data[0];
    expect(summed.BAKIYE).toBeCloseTo(truth.stock.total, 3);
  });

  it("joins the stock cards in TBLSTSABIT, items without stock as NULL", async () => {
    const { sql } = await session("nsq-join", { items: 12 });
    const answer = await sql(
      `SELECT S.STOK_KODU, S.STOK_ADI, S.OLCU_BR1, SUM(P.TOP_GIRIS_MIK - P.TOP_CIKIS_MIK) AS BAKIYE
         FROM TBLSTSABIT S LEFT JOIN TBLSTOKPH P ON P.STOK_KODU = S.STOK_KODU
        GROUP BY S.STOK_KODU, S.STOK_ADI, S.OLCU_BR1 ORDER BY S.STOK_KODU`,
    );
    expect(answer.body.IsSuccessful, answer.body.ErrorDesc).toBe(true);
    expect(answer.body.Data).toHaveLength(12);
    expect(answer.body.Data[10]).toMatchObject({ STOK_KODU: "NT-000011", BAKIYE: null });
    expect(answer.body.Data[4]).toMatchObject({ STOK_KODU: "NT-000005", OLCU_BR1: "KG" });
    const card = (await sql("SELECT * FROM TBLSTSABIT WHERE STOK_KODU = 'NT-000007'")).body.Data[0];
    expect(card).toMatchObject({
      STOK_KODU: "NT-000007",
      BARKOD1: expect.stringMatching(/^869/),
      SATIS_FIAT1: expect.any(Number),
    });
  });

  it("shows deletions and what stored slips moved", async () => {
    const { tenant, token, sql } = await session("nsq-moves");
    await netsisControl(tenant, "/delete", { codes: ["NT-000004"] });
    expect((await sql("SELECT * FROM TBLSTOKPH WHERE STOK_KODU = 'NT-000004'")).body.Data).toEqual([]);
    expect((await sql("SELECT COUNT(*) AS N FROM TBLSTSABIT")).body.Data).toEqual([{ N: 49 }]);
    const before = (await sql(n3("NT-000002"))).body.Data[0].Column1;
    await netsisCall(tenant, token, "/ItemSlips", { body: netsisSlip("O-1", [["NT-000002", 5, 1]]) });
    await netsisCall(tenant, token, "/ItemSlips", {
      body: { ...netsisSlip("F-1", [["NT-000002", 2, 1]], { Tip: 0 }), FaturaTip: 0 },
    });
    expect((await sql(n3("NT-000002"))).body.Data[0].Column1).toBeCloseTo(before - 2, 3);
    const open = await sql("SELECT MUS_TOP_SIPARIS FROM TBLSTOKPH WHERE STOK_KODU = 'NT-000002' AND DEPO_KODU = 1");
    expect(open.body.Data).toEqual([{ MUS_TOP_SIPARIS: 5 }]);
  });

  it("answers SQL errors in SQL Server's words: IsSuccessful false in the envelope, HTTP 500 without one", async () => {
    const { sql } = await session("nsq-errors");
    expect((await sql("SELECT BAKIYE FROM TBLSTOKPH")).body).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "SqlError",
      ErrorDesc: "Invalid column name 'BAKIYE'.",
      Data: null,
    });
    expect((await sql("SELECT * FROM TBLSTOK")).body.ErrorDesc).toBe("Invalid object name 'TBLSTOK'.");
    expect((await sql("SELECT * FROM TBLSTOKPH WHERE")).body.ErrorDesc).toMatch(/^Incorrect syntax near/);
    const bare = await session("nsq-errors-rows", { queriesShape: "rows" });
    expect(await bare.sql("SELECT BAKIYE FROM TBLSTOKPH")).toMatchObject({
      status: 500,
      body: { Message: "An error has occurred.", ExceptionMessage: "Invalid column name 'BAKIYE'." },
    });
  });

  it("speaks T-SQL on MSSQL and Oracle's paging and words on Oracle", async () => {
    const mssql = await session("nsq-mssql");
    expect((await mssql.sql("SELECT TOP 2 STOK_KODU FROM TBLSTSABIT")).body.Data).toHaveLength(2);
    const paged = await mssql.sql(
      "SELECT STOK_KODU FROM TBLSTSABIT ORDER BY STOK_KODU OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY",
    );
    expect(paged.body.Data).toEqual([{ STOK_KODU: "NT-000003" }, { STOK_KODU: "NT-000004" }]);
    expect((await mssql.sql("SELECT STOK_KODU FROM TBLSTSABIT FETCH FIRST 2 ROWS ONLY")).body.IsSuccessful).toBe(false);

    const oracle = await session("nsq-oracle", { dbType: "ORACLE" });
    const first = await oracle.sql("SELECT stok_kodu FROM TBLSTSABIT FETCH FIRST 2 ROWS ONLY");
    expect(first.body.Data).toEqual([{ STOK_KODU: "NT-000001" }, { STOK_KODU: "NT-000002" }]);
    const offset = await oracle.sql("SELECT STOK_KODU FROM TBLSTSABIT OFFSET 3 ROWS FETCH NEXT 1 ROWS ONLY");
    expect(offset.body.Data).toEqual([{ STOK_KODU: "NT-000004" }]);
    expect((await oracle.sql("SELECT TOP 2 STOK_KODU FROM TBLSTSABIT")).body.ErrorDesc).toBe(
      "ORA-00923: FROM keyword not found where expected",
    );
    expect((await oracle.sql("SELECT BAKIYE FROM TBLSTOKPH")).body.ErrorDesc).toBe(
      'ORA-00904: "BAKIYE": invalid identifier',
    );
    expect((await oracle.sql("SELECT 1 AS ONE FROM DUAL")).body.Data).toEqual([{ ONE: 1 }]);
    expect((await mssql.sql("SELECT 1 AS ONE FROM DUAL")).body.ErrorDesc).toBe("Invalid object name 'DUAL'.");
  });

  it("takes POST /Queries/ with N1's QueryParam { TSql }, refuses an empty statement and needs the stock right", async () => {
    const { tenant, token } = await session("nsq-post", {
      users: [
        { username: "netsis", password: "netsis-pass", permissions: ["items", "stock", "prices", "orders"] },
        { username: "satis", password: "p", permissions: ["items"] },
      ],
    });
    const posted = await netsisCall(tenant, token, "/Queries/", { body: { TSql: n3("NT-000001") } });
    expect(posted.body.Data).toEqual([{ Column1: expect.any(Number) }]);
    expect((await netsisCall(tenant, token, "/queries?TSQL=")).body).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "ValidationError",
    });
    const satis = await netsisToken(tenant, { username: "satis", password: "p" });
    expect(
      (await netsisCall(tenant, satis, `/Queries?tsql=${encodeURIComponent(n3("NT-000001"))}`)).body,
    ).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "PermissionDenied",
    });
  });

  it("gives every K-th item's rows a NULL TOP_CIKIS_MIK with malformedEvery", async () => {
    const { tenant, sql } = await session("nsq-malformed", { malformedEvery: 4 });
    const rows = (
      await sql("SELECT STOK_KODU, TOP_CIKIS_MIK FROM TBLSTOKPH WHERE STOK_KODU IN ('NT-000004', 'NT-000005')")
    ).body.Data;
    expect(rows.filter((r: any) => r.STOK_KODU === "NT-000004").every((r: any) => r.TOP_CIKIS_MIK === null)).toBe(true);
    expect(
      rows.filter((r: any) => r.STOK_KODU === "NT-000005").every((r: any) => typeof r.TOP_CIKIS_MIK === "number"),
    ).toBe(true);
    expect((await netsisItem(tenant, "NT-000004")).stock.total).toEqual(expect.any(Number));
  });

  it("reads a 100,000-item database: one item by code at once, every balance in one statement", async () => {
    const { tenant, sql } = await session("nsq-100k", { items: 100_000 });
    const started = Date.now();
    for (const code of ["NT-000001", "NT-050000", "NT-099999"])
      expect((await sql(n3(code))).body.IsSuccessful).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    const totals = await sql(
      "SELECT COUNT(*) AS N, COUNT(DISTINCT STOK_KODU) AS ITEMS FROM TBLSTOKPH WHERE DEPO_KODU = 1",
    );
    expect(totals.body.Data).toEqual([{ N: 90_910, ITEMS: 90_910 }]);
    const last = await sql(
      "SELECT TOP 1 STOK_KODU, SUM(TOP_GIRIS_MIK - TOP_CIKIS_MIK) AS BAKIYE FROM TBLSTOKPH GROUP BY STOK_KODU ORDER BY STOK_KODU DESC",
    );
    const truth = await netsisItem(tenant, "NT-100000");
    expect(last.body.Data[0].STOK_KODU).toBe("NT-100000");
    expect(last.body.Data[0].BAKIYE).toBeCloseTo(truth.stock.total, 3);
  });
});
