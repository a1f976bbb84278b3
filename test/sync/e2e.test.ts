import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { csvIntegration, syncToEnd } from "../helpers/integrations.ts";
import { platformRecords, platformRequests, putFile } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const HEADER = "sku,name,price,stock,barcode";
const CSV = [
  HEADER,
  'A-1,Çay bardağı,"12,50",10,869000001',
  'A-2,Şeker,"7,25",3,',
  'A-3,Ütü,"499,90",0,869000003',
].join("\n");

/** The files here write decimals with a comma. */
const COMMA = { decimalSeparator: "," };

describe("a CSV sync end to end", () => {
  it("brings exactly the mapped records to the platform through the queue", async () => {
    const merchantId = newMerchant("m-e2e");
    const id = await csvIntegration(merchantId, { csv: CSV, settings: COMMA });
    const run = await syncToEnd(id, { type: "full" });
    expect(run.status).toBe("succeeded");
    expect(run.progress).toMatchObject({
      pagesDone: 1,
      itemsRead: 3,
      itemsChanged: 9,
      itemsPushed: 9,
      itemsRejected: 0,
    });

    expect((await platformRecords(merchantId, "products")).items).toEqual([
      { sku: "A-1", name: "Çay bardağı", barcode: "869000001" },
      { sku: "A-2", name: "Şeker" },
      { sku: "A-3", name: "Ütü", barcode: "869000003" },
    ]);
    expect((await platformRecords(merchantId, "prices")).items).toEqual([
      { sku: "A-1", price: 12.5, currency: "TRY" },
      { sku: "A-2", price: 7.25, currency: "TRY" },
      { sku: "A-3", price: 499.9, currency: "TRY" },
    ]);
    expect((await platformRecords(merchantId, "inventory")).items.map((p) => [p.sku, p.stock])).toEqual([
      ["A-1", 10],
      ["A-2", 3],
      ["A-3", 0],
    ]);
  });

  it("ends partial, listing each rejected row with its reason, and pushes the rest", async () => {
    const merchantId = newMerchant("m-partial");
    const csv = [
      HEADER,
      'B-1,Good,"1,00",5,',
      'B-2,Negative stock and no price,"0,00",-4,',
      'B-3,Bad price,"abc",1,',
      "B-4,Too few fields",
    ].join("\n");
    const id = await csvIntegration(merchantId, { csv: csv, settings: COMMA });
    const run = await syncToEnd(id);
    expect(run.status).toBe("partial");
    expect(run.progress.itemsRejected).toBe(3);
    const reasons = run.rejectedSample.map((r) => [r.entity, r.key, r.field, r.row]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        [null, "B-4", null, 4],
        ["prices", "B-2", "prices.price", 2],
        ["prices", "B-3", "prices.price", 3],
      ]),
    );
    expect(run.rejectedSample.find((r) => r.key === "B-3")?.reason).toMatch(/abc/);
    expect(run.rejectedSample.find((r) => r.key === "B-2")?.reason).toMatch(/more than 0/);
    // Everything that could be mapped arrived; nothing rejected did; negative stock is sold as none.
    expect((await platformRecords(merchantId, "products")).items.map((p) => p.sku)).toEqual(["B-1", "B-2", "B-3"]);
    expect((await platformRecords(merchantId, "inventory")).items).toEqual([
      { sku: "B-1", stock: 5 },
      { sku: "B-2", stock: 0 },
      { sku: "B-3", stock: 1 },
    ]);
    expect((await platformRecords(merchantId, "prices")).items.map((p) => p.sku)).toEqual(["B-1"]);
  });

  it("pushes nothing on a second sync of unchanged data, one record when one row changed, all with force", async () => {
    const merchantId = newMerchant("m-delta");
    const name = `${merchantId}.csv`;
    const id = await csvIntegration(merchantId, { csv: CSV, settings: COMMA });
    expect((await syncToEnd(id)).progress.itemsPushed).toBe(9);
    const requestsAfterFirst = (await platformRequests(merchantId)).count;

    const again = await syncToEnd(id);
    expect(again.status).toBe("succeeded");
    expect(again.progress).toMatchObject({ itemsRead: 3, itemsChanged: 0, itemsPushed: 0, platformRequests: 0 });
    expect((await platformRequests(merchantId)).count).toBe(requestsAfterFirst);

    await putFile(name, CSV.replace('"7,25",3', '"7,75",3'));
    const changed = await syncToEnd(id);
    expect(changed.progress).toMatchObject({ itemsChanged: 1, itemsPushed: 1, platformRequests: 1 });
    const prices = await platformRecords(merchantId, "prices");
    expect(prices.items.find((p) => p.sku === "A-2")?.price).toBe(7.75);
    expect(prices.writes["A-2"]).toBe(2);
    expect(prices.writes["A-1"]).toBe(1);

    const forced = await syncToEnd(id, { force: true });
    expect(forced.progress).toMatchObject({ itemsChanged: 9, itemsPushed: 9 });
  });

  it("syncs one entity when asked for one type", async () => {
    const merchantId = newMerchant("m-type");
    const id = await csvIntegration(merchantId, { csv: CSV, settings: COMMA });
    const run = await syncToEnd(id, { type: "inventory" });
    expect(run.progress.itemsPushed).toBe(3);
    expect((await platformRecords(merchantId, "inventory")).count).toBe(3);
    expect((await platformRecords(merchantId, "products")).count).toBe(0);
  });

  it("reads a Windows-1254 export with semicolons and decimal commas without losing Turkish letters", async () => {
    const merchantId = newMerchant("m-1254");
    const text = "sku;name;price;stock\nT-1;ŞEKERLİ IĞDIR ÇÖREĞİ;1.234,56;7\nT-2;ığdır şişe;0,99;12\n";
    const cp1254: Record<string, number> = {
      Ş: 0xde,
      ş: 0xfe,
      İ: 0xdd,
      ı: 0xfd,
      Ğ: 0xd0,
      ğ: 0xf0,
      Ç: 0xc7,
      ç: 0xe7,
      Ö: 0xd6,
      ö: 0xf6,
    };
    const encoded = Uint8Array.from([...text].map((ch) => cp1254[ch] ?? ch.charCodeAt(0)));
    expect(encoded.length).toBe(text.length); // one byte per letter: not UTF-8
    const id = await csvIntegration(merchantId, {
      csv: encoded,
      settings: { ...COMMA, encoding: "windows-1254", delimiter: "auto" },
    });
    const run = await syncToEnd(id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect((await platformRecords(merchantId, "products")).items.map((p) => p.name)).toEqual([
      "ŞEKERLİ IĞDIR ÇÖREĞİ",
      "ığdır şişe",
    ]);
    expect((await platformRecords(merchantId, "prices")).items.map((p) => p.price)).toEqual([1234.56, 0.99]);
  });

  it("syncs a 20,000-row file in pages, one queue message each, with every record arriving once", async () => {
    const merchantId = newMerchant("m-20k");
    const url = "https://sims.test/files/generated/catalogue.csv?rows=20000&seed=7&delimiter=%3B";
    const id = await csvIntegration(merchantId, {
      credentials: { url },
      settings: { ...COMMA, pageSize: 1000, delimiter: ";" },
    });
    const run = await syncToEnd(id, { type: "inventory" });
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect(run.progress).toMatchObject({ pagesDone: 20, itemsRead: 20_000, itemsPushed: 20_000 });
    const inventory = await platformRecords(merchantId, "inventory");
    expect(inventory.count).toBe(20_000);
    expect(Object.values(inventory.writes).every((n) => n === 1)).toBe(true);
    const pages = await env.DB.prepare("SELECT count(*) AS n FROM sync_pages WHERE run_id = ?")
      .bind(run.id)
      .first<{ n: number }>();
    expect(pages?.n).toBe(20);
  });
});
