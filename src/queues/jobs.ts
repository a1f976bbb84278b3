import { eq, sql } from "drizzle-orm";
import { getDb } from "../db/client.ts";
import { orders, syncRuns } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { exportOrder, failOrder } from "../orders/export.ts";
import { processPage } from "../sync/pipeline.ts";
import { finishRun } from "../sync/runs.ts";
import type { SyncMessage } from "./messages.ts";

/** What the consumer needs to know about one kind of job. */
interface JobKind<J> {
  process(env: Env, job: J, log: Logger): Promise<unknown>;
  /** A failure that retrying cannot fix. */
  fail(env: Env, job: J, reason: string): Promise<void>;
  /** Bookkeeping when the job is retried or waits: attempts, last error, when it comes back. */
  note(env: Env, job: J, note: { attempts?: number; error: string; retryAt: Date }): Promise<void>;
}

const syncPage: JobKind<Extract<SyncMessage, { kind: "sync.page" }>> = {
  process: processPage,
  fail: (env, job, reason) => finishRun(getDb(env), job.runId, "failed", reason).then(() => undefined),
  note: async (env, job, note) => {
    await getDb(env)
      .update(syncRuns)
      .set({
        ...(note.attempts !== undefined ? { attempts: sql`max(${syncRuns.attempts}, ${note.attempts})` } : {}),
        lastError: note.error.slice(0, 2000),
        retryAt: note.retryAt,
        updatedAt: new Date(),
      })
      .where(eq(syncRuns.id, job.runId));
  },
};

const orderExport: JobKind<Extract<SyncMessage, { kind: "order.export" }>> = {
  process: exportOrder,
  fail: (env, job, reason) => failOrder(env, job.orderId, reason),
  note: async (env, job, note) => {
    await getDb(env)
      .update(orders)
      .set({
        ...(note.attempts !== undefined ? { attempts: sql`max(${orders.attempts}, ${note.attempts})` } : {}),
        lastError: note.error.slice(0, 2000),
        updatedAt: new Date(),
      })
      .where(eq(orders.id, job.orderId));
  },
};

/** The handlers of a job, by its kind. */
export function jobKind(job: SyncMessage): JobKind<SyncMessage> {
  return (job.kind === "sync.page" ? syncPage : orderExport) as JobKind<SyncMessage>;
}
