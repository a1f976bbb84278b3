import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client.ts";
import { syncWatermarks } from "../../src/db/schema.ts";
import { startOf } from "../../src/sync/watermarks.ts";

const HOUR = 3_600_000;
const integration = (id: string, settings: Record<string, unknown> = {}) => ({ id, settings });
const scheduled = { force: false, type: "full" as const, trigger: "schedule" as const };

async function mark(integrationId: string, completeAt: number | null) {
  await getDb(env)
    .insert(syncWatermarks)
    .values({
      integrationId,
      stream: "items",
      watermark: "c=2026-01-01T00:00:00;m=2026-01-02T00:00:00#7",
      runId: "run_x",
      updatedAt: new Date(),
      completeAt: completeAt === null ? null : new Date(completeAt),
    });
}

describe("where an incremental stream starts", () => {
  it("a scheduled run starts at the watermark while the last complete read is recent", async () => {
    const now = Date.now();
    await mark("int_wm_recent", now - 2 * HOUR);
    expect(await startOf(getDb(env), integration("int_wm_recent"), scheduled, "items", now)).toBe(
      "c=2026-01-01T00:00:00;m=2026-01-02T00:00:00#7",
    );
    // A single-entity run a person started reads only the changes too.
    const products = { force: false, type: "products" as const, trigger: "manual" as const };
    expect(await startOf(getDb(env), integration("int_wm_recent"), products, "items", now)).not.toBeNull();
  });

  it("reads from the start once completeReadEveryHours have passed, so that deletions are seen", async () => {
    const now = Date.now();
    await mark("int_wm_old", now - 25 * HOUR);
    expect(await startOf(getDb(env), integration("int_wm_old"), scheduled, "items", now)).toBeNull();
    const weekly = integration("int_wm_old", { completeReadEveryHours: 168 });
    expect(await startOf(getDb(env), weekly, scheduled, "items", now)).not.toBeNull();
  });

  it("reads from the start for a forced run, a full sync a person asked for, and a watermark never read completely", async () => {
    const now = Date.now();
    await mark("int_wm_manual", now - HOUR);
    const db = getDb(env);
    expect(await startOf(db, integration("int_wm_manual"), { ...scheduled, force: true }, "items", now)).toBeNull();
    expect(
      await startOf(db, integration("int_wm_manual"), { ...scheduled, trigger: "manual" }, "items", now),
    ).toBeNull();
    await mark("int_wm_legacy", null);
    expect(await startOf(db, integration("int_wm_legacy"), scheduled, "items", now)).toBeNull();
    expect(await startOf(db, integration("int_wm_none"), scheduled, "items", now)).toBeNull();
  });
});
