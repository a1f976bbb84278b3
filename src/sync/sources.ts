import type { SyncRunRow } from "../db/schema.ts";
import { uploadIdOf } from "../uploads/ids.ts";
import { deleteUpload } from "../uploads/store.ts";

/** After a run's last page: an uploaded file has served its purpose and is deleted. */
export async function cleanUpSource(env: Env, run: Pick<SyncRunRow, "source">): Promise<void> {
  const uploadId = uploadIdOf(run.source);
  if (!uploadId) return;
  await deleteUpload(env, uploadId);
}
