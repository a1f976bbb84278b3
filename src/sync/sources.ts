import { eq } from "drizzle-orm";
import { uploadIdOf } from "../connectors/csv/connector.ts";
import { deleteUploadChunks } from "../connectors/csv/upload-store.ts";
import { getDb } from "../db/client.ts";
import { type SyncRunRow, uploads } from "../db/schema.ts";

/** After a run's last page: an uploaded file has served its purpose and is deleted. */
export async function cleanUpSource(env: Env, run: Pick<SyncRunRow, "source">): Promise<void> {
  const uploadId = uploadIdOf(run.source);
  if (!uploadId) return;
  await deleteUploadChunks(env.DB, uploadId);
  await getDb(env).delete(uploads).where(eq(uploads.id, uploadId));
}
