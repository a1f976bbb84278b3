import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type SyncRunRow, syncWatermarks } from "../db/schema.ts";

/** Where the last complete run of an incremental stream ended, or null (never, or forced since). */
export async function lastWatermark(db: Db, integrationId: string, stream: string): Promise<string | null> {
  const row = await db
    .select({ watermark: syncWatermarks.watermark })
    .from(syncWatermarks)
    .where(and(eq(syncWatermarks.integrationId, integrationId), eq(syncWatermarks.stream, stream)))
    .get();
  return row?.watermark ?? null;
}

/**
 * At the end of an incremental stream: the last watermark its pages reported becomes the
 * integration's. Written in the batch that records the stream's last page (after its marker),
 * so it moves only when every page of the stream is done. A stream that read nothing leaves the
 * watermark where it was.
 */
export function commitWatermark(
  db: Db,
  run: Pick<SyncRunRow, "id" | "integrationId" | "streams">,
  stream: number,
  now: Date,
) {
  return db
    .insert(syncWatermarks)
    .select(
      sql`SELECT ${run.integrationId}, ${run.streams[stream] ?? ""}, watermark, ${run.id}, ${now.getTime()}
          FROM sync_pages WHERE run_id = ${run.id} AND stream = ${stream} AND watermark IS NOT NULL
          ORDER BY page DESC LIMIT 1`,
    )
    .onConflictDoUpdate({
      target: [syncWatermarks.integrationId, syncWatermarks.stream],
      set: { watermark: sql`excluded.watermark`, runId: sql`excluded.run_id`, updatedAt: sql`excluded.updated_at` },
    });
}
