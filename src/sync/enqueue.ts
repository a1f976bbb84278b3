import type { SyncRunRow } from "../db/schema.ts";
import type { SyncPageMessage } from "../queues/messages.ts";

/** Sends one page job of `run` to its queue: the priority queue when the run asked for it. */
export async function enqueuePage(
  env: Env,
  run: Pick<SyncRunRow, "id" | "integrationId" | "priority">,
  page: Pick<SyncPageMessage, "stream" | "page" | "cursor">,
  delaySeconds = 0,
): Promise<void> {
  const queue = run.priority > 0 ? env.SYNC_QUEUE_PRIORITY : env.SYNC_QUEUE;
  const message: SyncPageMessage = { kind: "sync.page", runId: run.id, integrationId: run.integrationId, ...page };
  await queue.send(message, delaySeconds > 0 ? { delaySeconds } : {});
}
