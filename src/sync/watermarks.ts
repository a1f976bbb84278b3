import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type IntegrationRow, type SyncRunRow, syncWatermarks } from "../db/schema.ts";

/** The hours between complete reads of an incremental stream, unless the integration says otherwise. */
const COMPLETE_READ_HOURS = 24;

/**
 * Where the run's incremental stream starts: the last complete run's watermark, or null for a
 * read from the start. Only what changed since the watermark can be read incrementally; a
 * read from the start is what sees that an item is gone. So a stream is read from the start
 * when the run is forced, when a person asked for a full sync, and at least every
 * `completeReadEveryHours` (24 by default) — scheduled runs in between read only the changes.
 */
export async function startOf(
  db: Db,
  integration: Pick<IntegrationRow, "id" | "settings">,
  run: Pick<SyncRunRow, "force" | "type" | "trigger">,
  stream: string,
  now = Date.now(),
): Promise<string | null> {
  if (run.force || (run.type === "full" && run.trigger !== "schedule")) return null;
  const row = await db
    .select({ watermark: syncWatermarks.watermark, completeAt: syncWatermarks.completeAt })
    .from(syncWatermarks)
    .where(and(eq(syncWatermarks.integrationId, integration.id), eq(syncWatermarks.stream, stream)))
    .get();
  if (!row?.completeAt) return null;
  const hours = Number(integration.settings.completeReadEveryHours ?? COMPLETE_READ_HOURS);
  return now - row.completeAt.getTime() > hours * 3_600_000 ? null : row.watermark;
}

/**
 * At the end of an incremental stream: the last watermark its pages reported becomes the
 * integration's, and a stream read from the start marks the time. Written in the batch that
 * records the stream's last page (after its marker), so it moves only when every page of the
 * stream is done. A stream that read nothing leaves the watermark where it was.
 */
export function commitWatermark(
  db: Db,
  run: Pick<SyncRunRow, "id" | "integrationId" | "streams">,
  stream: number,
  now: Date,
) {
  const name = run.streams[stream] ?? "";
  const completeAt = sql`CASE WHEN (SELECT from_watermark FROM sync_pages WHERE run_id = ${run.id} AND stream = ${stream} AND page = 0) = 0
      THEN ${now.getTime()}
      ELSE (SELECT complete_at FROM sync_watermarks WHERE integration_id = ${run.integrationId} AND stream = ${name}) END`;
  return db
    .insert(syncWatermarks)
    .select(
      sql`SELECT ${run.integrationId}, ${name}, watermark, ${run.id}, ${now.getTime()}, ${completeAt}
          FROM sync_pages WHERE run_id = ${run.id} AND stream = ${stream} AND watermark IS NOT NULL
          ORDER BY page DESC LIMIT 1`,
    )
    .onConflictDoUpdate({
      target: [syncWatermarks.integrationId, syncWatermarks.stream],
      set: {
        watermark: sql`excluded.watermark`,
        runId: sql`excluded.run_id`,
        updatedAt: sql`excluded.updated_at`,
        completeAt: sql`excluded.complete_at`,
      },
    });
}
