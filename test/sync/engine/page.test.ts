import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { nextStep, syncPage } from "../../../src/sync/page.ts";
import {
  catalogueRow,
  engineRun,
  pageMessage,
  pagesServed,
  queuedRun,
  quietLog,
  serveRows,
  storedRun,
} from "../../helpers/engine.ts";
import { platformRecords, platformRequests } from "../../helpers/sims.ts";

describe("syncPage with an in-memory connector", () => {
  it("reads a page, pushes its mapped records, records it, and says where the run goes next", async () => {
    const rows = ["A", "B", "C"].map((sku, i) => catalogueRow(sku, i + 1));
    const { db, config, integration, run, merchantId } = await engineRun({ rows, settings: { pageSize: 2 } });

    const next = await syncPage(env, config, db, run, integration, pageMessage(run), quietLog());
    expect(next).toEqual({ stream: 0, page: 1, cursor: "2" });
    expect((await platformRecords(merchantId, "inventory")).items).toEqual([
      { sku: "A", stock: 1 },
      { sku: "B", stock: 2 },
    ]);
    expect(await storedRun(db, run.id)).toMatchObject({ status: "queued", pagesDone: 1, itemsRead: 2, itemsPushed: 6 });

    const last = await syncPage(
      env,
      config,
      db,
      await storedRun(db, run.id),
      integration,
      pageMessage(run, 1, "2"),
      quietLog(),
    );
    expect(last).toBeNull();
    expect(await storedRun(db, run.id)).toMatchObject({
      status: "succeeded",
      pagesDone: 2,
      itemsRead: 3,
      itemsPushed: 9,
    });
    expect(pagesServed(integration.id)).toBe(2);
  });

  it("pushes only the records that changed since the last push", async () => {
    const first = await engineRun({ rows: [catalogueRow("A", 1), catalogueRow("B", 2)] });
    expect(
      await syncPage(env, first.config, first.db, first.run, first.integration, pageMessage(first.run), quietLog()),
    ).toBeNull();
    const requestsBefore = (await platformRequests(first.merchantId)).count;

    // A second run of the same integration, one stock changed.
    serveRows(first.integration.id, [catalogueRow("A", 1), catalogueRow("B", 5)]);
    const { db, config, integration } = first;
    const again = await queuedRun(integration.id);
    await syncPage(env, config, db, again, integration, pageMessage(again), quietLog());
    expect(await storedRun(db, again.id)).toMatchObject({ itemsRead: 2, itemsChanged: 1, itemsPushed: 1 });
    expect((await platformRequests(first.merchantId)).count).toBe(requestsBefore + 1);
  });
});

describe("nextStep", () => {
  const run = { streams: ["items", "stock"] };
  it("goes to the next page while the connector gives a cursor", () => {
    expect(nextStep(run, { stream: 0, page: 3 }, "c", false)).toEqual({ stream: 0, page: 4, cursor: "c" });
  });
  it("goes to the next stream's first page, then to the deletion step only for a run that finds deletions", () => {
    expect(nextStep(run, { stream: 0, page: 3 }, null, false)).toEqual({ stream: 1, page: 0, cursor: null });
    expect(nextStep(run, { stream: 1, page: 0 }, null, true)).toEqual({ stream: 2, page: 0, cursor: null });
    expect(nextStep(run, { stream: 1, page: 0 }, null, false)).toBeNull();
    expect(nextStep(run, { stream: 2, page: 0 }, null, true)).toBeNull();
  });
});
