import { describe, expect, it } from "vitest";
import type { RejectedRecord } from "../../../src/db/schema.ts";
import { loadStored, toCandidates } from "../../../src/sync/delta.ts";
import { recordPage } from "../../../src/sync/record.ts";
import { engineRun, pageMessage, storedRun } from "../../helpers/engine.ts";

const pushed = toCandidates([
  { entity: "inventory", key: "A", row: 1, record: { sku: "A", stock: 1 } },
  { entity: "inventory", key: "B", row: 2, record: { sku: "B", stock: 2 } },
]);
const page = (overrides: Partial<Parameters<typeof recordPage>[3]> = {}): Parameters<typeof recordPage>[3] => ({
  nextCursor: "2",
  watermark: null,
  incremental: false,
  last: false,
  read: 3,
  changed: 2,
  pushed,
  rejections: [],
  requests: 1,
  ...overrides,
});
const rejection: RejectedRecord = {
  entity: "inventory",
  key: "C",
  field: "stock",
  reason: "not a number",
  page: 0,
  row: 3,
};

describe("recordPage", () => {
  it("moves the run's counters, stores the page marker and the pushed hashes, and keeps the run active", async () => {
    const { db, run } = await engineRun();
    await recordPage(db, run, pageMessage(run), page());
    expect(await storedRun(db, run.id)).toMatchObject({
      status: "queued",
      pagesDone: 1,
      itemsRead: 3,
      itemsChanged: 2,
      itemsPushed: 2,
      platformRequests: 1,
      finishedAt: null,
    });
    const stored = await loadStored(db, run.integrationId, pushed);
    expect([...stored.values()].map((s) => s.hash).sort()).toEqual(pushed.map((c) => c.hash).sort());
  });

  it("counts a page recorded twice (two deliveries of one message) once", async () => {
    const { db, run } = await engineRun();
    await recordPage(db, run, pageMessage(run), page());
    await recordPage(db, run, pageMessage(run), page());
    expect(await storedRun(db, run.id)).toMatchObject({ pagesDone: 1, itemsRead: 3, itemsPushed: 2 });
    await recordPage(db, run, pageMessage(run, 1, "2"), page({ read: 1 }));
    expect(await storedRun(db, run.id)).toMatchObject({ pagesDone: 2, itemsRead: 4 });
  });

  it("ends the run after its last page: succeeded, or partial with a sample of what was rejected", async () => {
    const clean = await engineRun();
    await recordPage(clean.db, clean.run, pageMessage(clean.run), page({ last: true, nextCursor: null }));
    expect(await storedRun(clean.db, clean.run.id)).toMatchObject({
      status: "succeeded",
      finishedAt: expect.any(Date),
    });

    const rejected = await engineRun();
    await recordPage(
      rejected.db,
      rejected.run,
      pageMessage(rejected.run),
      page({ last: true, rejections: [rejection] }),
    );
    expect(await storedRun(rejected.db, rejected.run.id)).toMatchObject({
      status: "partial",
      itemsRejected: 1,
      rejectedSample: [rejection],
    });
  });

  it("changes nothing on a run that has already ended", async () => {
    const { db, run } = await engineRun();
    await recordPage(db, run, pageMessage(run), page({ last: true, nextCursor: null }));
    const ended = await storedRun(db, run.id);
    await recordPage(db, run, pageMessage(run, 1, "2"), page({ read: 50 }));
    expect(await storedRun(db, run.id)).toEqual(ended);
  });
});
