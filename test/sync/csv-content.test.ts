import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { utf8 } from "../helpers/bytes.ts";
import { csvIntegration, syncToEnd } from "../helpers/integrations.ts";
import { platformRecords, platformRequests, waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

// Text a spreadsheet would run as a formula: the platform must get it exactly as the ERP holds it.
const FORMULAS = ["=SUM(A1)", '=HYPERLINK("https://evil.test","x")', "+1-2", "-5+3", "@cmd"];

function catalogue(rows: string[][]): string {
  const quote = (v: string) => (/[",\n\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${["sku,name,price,stock", ...rows.map((r) => r.map(quote).join(","))].join("\n")}\n`;
}

describe("a CSV field with a NUL character", () => {
  const rows = [
    ["N-1", "Plain", "1.50", "1"],
    ["N-2", "Bad\u0000Name", "2.50", "2"],
    ["N-3", "Also plain", "3.50", "3"],
  ];

  it("rejects its row with the row number and why; the other rows reach the platform, the NUL never does", async () => {
    const merchantId = newMerchant("m-nul-url");
    const run = await syncToEnd(await csvIntegration(merchantId, { csv: catalogue(rows) }));
    expect(run.status, JSON.stringify(run)).toBe("partial");
    expect(run.progress).toMatchObject({ itemsRead: 3, itemsRejected: 1, itemsPushed: 6 });
    expect(run.rejectedSample).toEqual([
      {
        entity: null,
        key: "N-2",
        field: null,
        reason: "column 'name' contains a NUL character (byte 0)",
        page: 0,
        row: 2,
      },
    ]);
    for (const entity of ["products", "inventory", "prices"]) {
      const { items } = await platformRecords(merchantId, entity);
      expect(items.map((i) => i.sku)).toEqual(["N-1", "N-3"]);
      expect(JSON.stringify(items)).not.toContain("\\u0000");
    }
  });

  it("is rejected the same way in an uploaded file", async () => {
    const merchantId = newMerchant("m-nul-upload");
    const id = await csvIntegration(merchantId);
    const res = await api("POST", `/api/integrations/${id}/upload`, {
      token: await admin(),
      rawBody: catalogue(rows),
      headers: { "Content-Type": "text/csv" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const run = await waitForRun(res.body.data.runId);
    expect(run.status).toBe("partial");
    expect(run.rejectedSample).toMatchObject([{ key: "N-2", row: 2, reason: expect.stringContaining("NUL") }]);
    expect((await platformRecords(merchantId, "products")).items.map((i) => i.sku)).toEqual(["N-1", "N-3"]);
  });

  it("in the header fails the run, saying so, and pushes nothing", async () => {
    const merchantId = newMerchant("m-nul-header");
    const id = await csvIntegration(merchantId, { csv: utf8("sku,na\u0000me,price,stock\nH-1,x,1,1\n") });
    const run = await syncToEnd(id);
    expect(run.status).toBe("failed");
    expect(run.lastError).toContain("the CSV header contains a NUL character");
    expect((await platformRequests(merchantId)).count).toBe(0);
  });
});

describe("text that looks like a spreadsheet formula", () => {
  it("reaches the platform exactly as the file holds it: neutralising is for files the gateway writes", async () => {
    const merchantId = newMerchant("m-formula");
    const rows = FORMULAS.map((name, i) => [`F-${i + 1}`, name, "1.50", "1"]);
    const run = await syncToEnd(await csvIntegration(merchantId, { csv: catalogue(rows) }));
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    const { items } = await platformRecords(merchantId, "products");
    expect(items.map((i) => i.name)).toEqual(FORMULAS);
  });
});
