import type { SyncRunRow } from "../db/schema.ts";
import { enqueueJob } from "../jobs/enqueue.ts";
import type { SyncPageMessage } from "./page-message.ts";

/** Sends one page job of `run` to its queue: the priority lane when the run asked for it. */
export async function enqueuePage(
  env: Env,
  run: Pick<SyncRunRow, "id" | "integrationId" | "priority">,
  page: Pick<SyncPageMessage, "stream" | "page" | "cursor">,
  delaySeconds = 0,
): Promise<void> {
  const message: SyncPageMessage = { kind: "sync.page", runId: run.id, integrationId: run.integrationId, ...page };
  await enqueueJob(env, message, { queue: "sync", priority: run.priority > 0, delaySeconds });
}
