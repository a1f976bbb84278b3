import { and, inArray, isNotNull, lt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { syncPages, syncRuns, uploads } from "../db/schema.ts";
import { deleteUploadChunks } from "../uploads/store.ts";

/** How long page markers of finished runs and stored uploads are kept. */
export const SYNC_BOOKKEEPING_DAYS = 7;

/**
 * Keeps sync storage bounded: page markers only matter while a run can still be redelivered
 * or replayed, and an upload only while its run may be replayed. Runs themselves stay (they
 * are the sync history).
 */
export async function purgeSyncBookkeeping(env: Env, db: Db, now: number) {
  const before = new Date(now - SYNC_BOOKKEEPING_DAYS * 86_400_000);
  const finished = db
    .select({ id: syncRuns.id })
    .from(syncRuns)
    .where(and(isNotNull(syncRuns.finishedAt), lt(syncRuns.finishedAt, before)));
  const pages = await db.delete(syncPages).where(inArray(syncPages.runId, finished));
  const old = await db.select({ id: uploads.id }).from(uploads).where(lt(uploads.createdAt, before));
  for (const { id } of old) await deleteUploadChunks(env.DB, id);
  if (old.length > 0)
    await db.delete(uploads).where(
      inArray(
        uploads.id,
        old.map((u) => u.id),
      ),
    );
  return { pageMarkersPurged: pages.meta.changes, uploadsPurged: old.length };
}
