import { describe, expect, it } from "vitest";
import { runBatch } from "../../../src/db/client.ts";
import type { MappedRecord } from "../../../src/mapping/engine.ts";
import { changedSince, loadStored, saveHashes, toCandidates, zeroInactiveStock } from "../../../src/sync/delta.ts";
import { engineRun } from "../../helpers/engine.ts";

const product = (sku: string, extra: Record<string, unknown> = {}, row = 1): MappedRecord => ({
  entity: "products",
  key: sku,
  row,
  record: { sku, name: `Item ${sku}`, ...extra },
});
const stock = (sku: string, n: number, row = 1): MappedRecord => ({
  entity: "inventory",
  key: sku,
  row,
  record: { sku, stock: n },
});

describe("toCandidates", () => {
  it("keeps the last row of a key seen twice in a page, and hashes content, not key order", () => {
    const [only, ...rest] = toCandidates([product("A", { name: "old" }, 1), product("A", { name: "new" }, 2)]);
    expect(rest).toEqual([]);
    expect(only?.record).toEqual({ sku: "A", name: "new" });
    const reordered = toCandidates([{ ...product("A"), record: { name: "Item A", sku: "A" } }]);
    expect(reordered[0]?.hash).toBe(toCandidates([product("A")])[0]?.hash);
  });

  it("marks a product mapped with active: false as inactive, and only products", () => {
    const candidates = toCandidates([product("P", { active: false }), product("Q"), stock("P", 3)]);
    expect(candidates.map((c) => [c.entity, c.key, c.inactive])).toEqual([
      ["products", "P", true],
      ["products", "Q", false],
      ["inventory", "P", false],
    ]);
  });
});

describe("zeroInactiveStock", () => {
  it("pushes 0 for the stock of a product this page makes inactive", () => {
    const out = zeroInactiveStock(toCandidates([product("P", { active: false }), stock("P", 7)]), new Map());
    expect(out.find((c) => c.entity === "inventory")).toMatchObject({ record: { sku: "P", stock: 0 }, inactive: true });
  });

  it("pushes 0 for a product stored as inactive that this page does not make active again", () => {
    const stored = new Map([["products\u0000P", { hash: "h", inactive: true }]]);
    expect(zeroInactiveStock(toCandidates([stock("P", 7)]), stored)[0]?.record).toEqual({ sku: "P", stock: 0 });
    const back = zeroInactiveStock(toCandidates([product("P"), stock("P", 7)]), stored);
    expect(back.find((c) => c.entity === "inventory")?.record).toEqual({ sku: "P", stock: 7 });
  });
});

describe("changedSince", () => {
  it("keeps what differs from the stored hash, and everything when forced", () => {
    const candidates = toCandidates([product("A"), product("B"), product("C")]);
    const [a] = candidates;
    const stored = new Map([
      ["products\u0000A", { hash: a?.hash ?? "", inactive: false }],
      ["products\u0000B", { hash: "an older hash", inactive: false }],
    ]);
    expect(changedSince(candidates, stored, false).map((c) => c.key)).toEqual(["B", "C"]);
    expect(changedSince(candidates, stored, true)).toEqual(candidates);
  });
});

describe("loadStored and saveHashes against D1", () => {
  it("reads back what was saved, per entity and key, for this integration only", async () => {
    const { db, integration } = await engineRun();
    const other = await engineRun();
    const candidates = toCandidates([product("A"), product("B", { active: false }), stock("A", 2)]);
    await runBatch(db, saveHashes(db, integration.id, candidates, new Date()));

    const stored = await loadStored(db, integration.id, candidates);
    expect([...stored.entries()].sort()).toEqual(
      candidates.map((c) => [`${c.entity}\u0000${c.key}`, { hash: c.hash, inactive: c.inactive }] as const).sort(),
    );
    expect((await loadStored(db, other.integration.id, candidates)).size).toBe(0);
    expect((await loadStored(db, integration.id, [])).size).toBe(0);
  });

  it("loads the products of a stock-only page too, so their inactive flag is known", async () => {
    const { db, integration } = await engineRun();
    await runBatch(db, saveHashes(db, integration.id, toCandidates([product("P", { active: false })]), new Date()));
    const stored = await loadStored(db, integration.id, toCandidates([stock("P", 4)]));
    expect(stored.get("products\u0000P")).toMatchObject({ inactive: true });
    expect(zeroInactiveStock(toCandidates([stock("P", 4)]), stored)[0]?.record).toEqual({ sku: "P", stock: 0 });
  });

  it("overwrites the hash of a key saved again, and the delta then finds nothing changed", async () => {
    const { db, integration } = await engineRun();
    await runBatch(db, saveHashes(db, integration.id, toCandidates([product("A", { name: "old" })]), new Date()));
    const now = toCandidates([product("A", { name: "new" })]);
    expect(changedSince(now, await loadStored(db, integration.id, now), false)).toHaveLength(1);
    await runBatch(db, saveHashes(db, integration.id, now, new Date()));
    expect(changedSince(now, await loadStored(db, integration.id, now), false)).toEqual([]);
  });
});
