import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { csvIntegration, syncToEnd } from "../helpers/integrations.ts";
import { platformRecords, putFile } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

// The engine's part of deletions, shown with a CSV feed that is the whole catalogue (the
// merchant says so with `deletions: "deactivate"`; a CSV ignores them by default). The ERP
// connectors' deletions are tested against their simulators in test/connectors/.
const HEADER = "sku,name,price,stock";
const row = (sku: string, stock = 5) => `${sku},Ürün ${sku},"9,90",${stock}`;
const file = (...skus: string[]) => [HEADER, ...skus.map((s) => row(s))].join("\n");

async function feed(merchantId: string, settings: Record<string, unknown> = {}) {
  const id = await csvIntegration(merchantId, {
    csv: file("A", "B", "C", "D"),
    settings: { decimalSeparator: ",", deletions: "deactivate", ...settings },
  });
  return { id, write: (content: string) => putFile(`${merchantId}.csv`, content) };
}

const product = async (merchantId: string, sku: string) =>
  (await platformRecords(merchantId, "products")).items.find((p) => p.sku === sku);
const stockOf = async (merchantId: string, sku: string) =>
  (await platformRecords(merchantId, "inventory")).items.find((p) => p.sku === sku)?.stock;

describe("items gone from a complete read", () => {
  it("are made inactive with stock 0, once, keeping the product's other fields", async () => {
    const merchantId = newMerchant("m-gone");
    const { id, write } = await feed(merchantId);
    expect((await syncToEnd(id)).status).toBe("succeeded");

    await write(file("A", "C", "D"));
    const run = await syncToEnd(id);
    expect(run.status).toBe("succeeded");
    expect(run.progress).toMatchObject({ itemsDeactivated: 1, itemsChanged: 2, itemsPushed: 2 });
    expect(await product(merchantId, "B")).toEqual({ sku: "B", name: "Ürün B", active: false });
    expect(await stockOf(merchantId, "B")).toBe(0);
    expect(await product(merchantId, "A")).toEqual({ sku: "A", name: "Ürün A" });

    // Once: the next complete read pushes nothing for B.
    const again = await syncToEnd(id);
    expect(again.progress).toMatchObject({ itemsDeactivated: 0, itemsPushed: 0 });
    expect((await platformRecords(merchantId, "products")).writes.B).toBe(2);
  });

  it("come back active with their stock when the source has them again", async () => {
    const merchantId = newMerchant("m-back");
    const { id, write } = await feed(merchantId);
    await syncToEnd(id);
    await write(file("A", "C", "D"));
    await syncToEnd(id);
    await write(file("A", "B", "C", "D"));
    const run = await syncToEnd(id);
    expect(run.progress.itemsDeactivated).toBe(0);
    expect(await product(merchantId, "B")).toEqual({ sku: "B", name: "Ürün B" });
    expect(await stockOf(merchantId, "B")).toBe(5);
  });

  it("stay as they are with deletions: ignore", async () => {
    const merchantId = newMerchant("m-ignore");
    const { id, write } = await feed(merchantId, { deletions: "ignore" });
    await syncToEnd(id);
    await write(file("A", "C", "D"));
    expect((await syncToEnd(id)).progress.itemsDeactivated).toBe(0);
    expect(await product(merchantId, "B")).toEqual({ sku: "B", name: "Ürün B" });
    expect(await stockOf(merchantId, "B")).toBe(5);
  });

  it("are not taken as gone after an empty read, which the run's notes explain", async () => {
    const merchantId = newMerchant("m-empty");
    const { id, write } = await feed(merchantId);
    await syncToEnd(id);
    await write(HEADER);
    const run = await syncToEnd(id);
    expect(run.status).toBe("succeeded");
    expect(run.progress.itemsDeactivated).toBe(0);
    expect(run.notes).toEqual([
      "deletions held back: the run read no products at all, so none of the 4 known are taken as gone",
      "deletions held back: the run read no inventory at all, so none of the 4 known are taken as gone",
    ]);
    expect(await product(merchantId, "A")).toEqual({ sku: "A", name: "Ürün A" });
  });

  it("are held back when more than deletionsMaxPercent would go, and go when it is raised", async () => {
    const merchantId = newMerchant("m-share");
    const { id, write } = await feed(merchantId);
    await syncToEnd(id);
    await write(file("A"));
    const held = await syncToEnd(id);
    expect(held.progress.itemsDeactivated).toBe(0);
    expect(held.notes[0]).toBe(
      "deletions held back: 3 of 4 products are missing from this read, more than deletionsMaxPercent (50%); raise it if they are really gone",
    );
    const patched = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { settings: { deletionsMaxPercent: 80 } },
    });
    expect(patched.status).toBe(200);
    const run = await syncToEnd(id);
    // Three products (their stock goes to 0 with them, so no stock row is left to zero on its own).
    expect(run.progress.itemsDeactivated).toBe(3);
    expect((await platformRecords(merchantId, "inventory")).items.filter((p) => p.stock === 0)).toHaveLength(3);
    expect((await platformRecords(merchantId, "products")).items.filter((p) => p.active === false)).toHaveLength(3);
  });

  it("are not looked for when a row's key could not be read (that row may be any of them)", async () => {
    const merchantId = newMerchant("m-keyless");
    const { id, write } = await feed(merchantId);
    await syncToEnd(id);
    await write([HEADER, row("A"), row("C"), ",Adsız,1,1", "D,too,few"].join("\n"));
    const run = await syncToEnd(id);
    expect(run.status).toBe("partial");
    expect(run.progress.itemsDeactivated).toBe(0);
    expect(await product(merchantId, "B")).toEqual({ sku: "B", name: "Ürün B" });
  });

  it("are not looked for in a run that reads one entity only for others", async () => {
    const merchantId = newMerchant("m-prices");
    const { id, write } = await feed(merchantId);
    await syncToEnd(id);
    await write(file("A", "C", "D"));
    const run = await syncToEnd(id, { type: "prices" });
    expect(run.progress.itemsDeactivated).toBe(0);
    expect(await product(merchantId, "B")).toEqual({ sku: "B", name: "Ürün B" });
  });
});

describe("an inactive product", () => {
  it("has its stock pushed as 0 while it stays inactive", async () => {
    const merchantId = newMerchant("m-passive");
    const id = await csvIntegration(merchantId, { csv: "sku,name,active,stock\nA,Kupa,1,7\nB,Şal,0,4" });
    const mapping = {
      mappings: [
        { sourceField: "sku", targetField: "products.sku", required: true },
        { sourceField: "name", targetField: "products.name", required: true },
        { sourceField: "active", targetField: "products.active", transformation: "toBoolean" },
        { sourceField: "sku", targetField: "inventory.sku", required: true },
        { sourceField: "stock", targetField: "inventory.stock", transformation: "parseDecimal", required: true },
      ],
    };
    expect((await api("PUT", `/api/integrations/${id}/mappings`, { token: await admin(), body: mapping })).status).toBe(
      200,
    );
    await syncToEnd(id);
    expect(await product(merchantId, "B")).toEqual({ sku: "B", name: "Şal", active: false });
    expect(await stockOf(merchantId, "B")).toBe(0);
    expect(await stockOf(merchantId, "A")).toBe(7);

    // An inventory-only sync later still knows B is inactive.
    await putFile(`${merchantId}.csv`, "sku,name,active,stock\nA,Kupa,1,8\nB,Şal,0,9");
    await syncToEnd(id, { type: "inventory" });
    expect(await stockOf(merchantId, "B")).toBe(0);
    expect(await stockOf(merchantId, "A")).toBe(8);
    const stored = await env.DB.prepare(
      "SELECT key, inactive FROM record_hashes WHERE integration_id = ? AND entity = 'products' ORDER BY key",
    )
      .bind(id)
      .all();
    expect(stored.results).toEqual([
      { key: "A", inactive: 0 },
      { key: "B", inactive: 1 },
    ]);
  });
});
