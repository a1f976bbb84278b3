import { describe, expect, it } from "vitest";
import { configureNetsis, netsisCall, netsisSlip, netsisToken, newTenant } from "../../../helpers/netsis.ts";

async function withSlips(label: string, config?: Record<string, unknown>) {
  const tenant = newTenant(label);
  if (config) await configureNetsis(tenant, config);
  const token = await netsisToken(tenant);
  const call = (path: string, body?: unknown) => netsisCall(tenant, token, path, body === undefined ? {} : { body });
  for (const [number, customer, type] of [
    ["SO-1", "120.01.001", 7],
    ["SO-2", "120/01 Ç;2", 7],
    ["PO-1", "320.01.001", 6],
    ["SO-1", "120.01.009", 7],
  ] as const) {
    const slip = netsisSlip(number, undefined, { CariKod: customer, Tip: type });
    const answer = await call("/ItemSlips", { ...slip, FaturaTip: type });
    expect(answer.body.IsSuccessful, answer.body.ErrorDesc).toBe(true);
  }
  return { tenant, call };
}

describe("Netsis simulator: looking slips up", () => {
  it("finds a slip by {Tip};{FATIRS_NO};{CariKod} with the type's name or number, parts URL-encoded", async () => {
    const { call } = await withSlips("nsk-key");
    const byName = await call("/ItemSlips/ftSSip;SO-1;120.01.001/");
    expect(byName).toMatchObject({
      status: 200,
      body: { IsSuccessful: true, Data: { FaturaTip: 7, FatUst: { FATIRS_NO: "SO-1", CariKod: "120.01.001" } } },
    });
    expect(byName.body.Data.Kalems).toHaveLength(1);
    expect((await call("/ItemSlips/7;SO-1;120.01.001")).body.Data).toEqual(byName.body.Data);
    expect((await call("/itemslips/FTSSIP;SO-1;120.01.001")).body.Data).toEqual(byName.body.Data);
    const other = await call("/ItemSlips/ftSSip;SO-1;120.01.009");
    expect(other.body.Data.FatUst.CariKod).toBe("120.01.009");
    const encoded = await call(`/ItemSlips/${encodeURIComponent("ftSSip;SO-2;120/01 Ç;2")}/`);
    expect(encoded.body.Data.FatUst.CariKod).toBe("120/01 Ç;2");
    expect((await call("/ItemSlips/ftASip;PO-1;320.01.001")).body.Data.FaturaTip).toBe(6);
    // N3 looks orders up with an empty CariKod: the first slip of that number (chosen).
    expect((await call("/ItemSlips/ftSSip;SO-1;")).body.Data.FatUst.CariKod).toBe("120.01.001");
    expect((await call("/ItemSlips/ftXYZ;SO-1;A")).body).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "ValidationError",
    });
    expect((await call("/ItemSlips/SO-1")).body.IsSuccessful).toBe(false);
  });

  it("finds a slip through POST /ItemSlips/details/ with N1's ItemSlipsParam", async () => {
    const { call } = await withSlips("nsk-details");
    const found = await call("/ItemSlips/details/", {
      DocumentType: 7,
      DocumentNumber: "SO-2",
      CustomerCode: "120/01 Ç;2",
    });
    expect(found.body).toMatchObject({ IsSuccessful: true, Data: { FatUst: { FATIRS_NO: "SO-2" } } });
    const byName = await call("/itemslips/DETAILS", {
      documenttype: "ftASip",
      documentnumber: "PO-1",
      customercode: "320.01.001",
    });
    expect(byName.body.Data.FaturaTip).toBe(6);
  });

  it('answers a missing slip per missingSlip: "error" (default), "empty" or "404"', async () => {
    const missing = async (config: Record<string, unknown> | undefined) => {
      const { call } = await withSlips("nsk-missing", config);
      return [
        await call("/ItemSlips/ftSSip;NOPE;120.01.001/"),
        await call("/ItemSlips/ftSFat;SO-1;120.01.001/"),
        await call("/ItemSlips/details", { DocumentType: 7, DocumentNumber: "NOPE", CustomerCode: "120.01.001" }),
      ];
    };
    for (const answer of await missing(undefined)) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ IsSuccessful: false, ErrorCode: "NotFound", Data: null });
      expect(answer.body.ErrorDesc).toMatch(/^Belge bulunamadı: ft(SSip|SFat);/);
    }
    for (const answer of await missing({ missingSlip: "empty" })) {
      expect(answer).toMatchObject({ status: 200, body: { IsSuccessful: true, Data: null } });
    }
    for (const answer of await missing({ missingSlip: "404" })) {
      expect(answer.status).toBe(404);
      expect(answer.body.Message).toMatch(/^Belge bulunamadı/);
    }
  });

  it("lists the slips of one type with ?docType, and all of them without", async () => {
    const { tenant, call } = await withSlips("nsk-list");
    const orders = await call("/ItemSlips/?docType=7&limit=2");
    expect(orders.body).toMatchObject({ IsSuccessful: true, TotalCount: 3, Limit: 2, Offset: 0 });
    expect(orders.body.Data.map((s: any) => s.FatUst.FATIRS_NO)).toEqual(["SO-1", "SO-2"]);
    expect(orders.body.Next.Href).toBe(
      `https://sims.test/netsis/${tenant}/api/v2/ItemSlips/?docType=7&limit=2&offset=2`,
    );
    expect((await call("/ItemSlips?DOCTYPE=7&limit=2&offset=2")).body.Data.map((s: any) => s.FatUst.CariKod)).toEqual([
      "120.01.009",
    ]);
    expect((await call("/ItemSlips?docType=ftASip")).body.TotalCount).toBe(1);
    expect((await call("/ItemSlips?docType=0")).body).toMatchObject({ TotalCount: 0, Data: [] });
    expect((await call("/ItemSlips")).body.TotalCount).toBe(4);
    expect((await call("/ItemSlips?docType=ftNope")).body).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "ValidationError",
    });
  });
});
