import { z } from "@hono/zod-openapi";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { type AuditActor, auditInsert } from "../audit/record.ts";
import { type Db, pageOf } from "../db/client.ts";
import { type DeadLetterRow, deadLetters, orders, syncRuns } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { isUniqueViolation } from "../integrations/store.ts";
import { findOrder } from "../orders/store.ts";
import { type OrderExportMessage, SyncMessage, type SyncPageMessage } from "../queues/messages.ts";
import { enqueuePage } from "./enqueue.ts";
import { findRun } from "./runs.ts";

export const DeadLetterView = z
  .object({
    id: z.string(),
    runId: z.string().nullable(),
    integrationId: z.string().nullable(),
    merchantId: z.string().nullable(),
    queue: z.string(),
    message: z.unknown().openapi({ description: "The job as it was queued" }),
    error: z.string().nullable().openapi({ description: "The last error the job met" }),
    attempts: z.number().int(),
    status: z.enum(["pending", "replayed"]),
    createdAt: z.iso.datetime(),
    replayedAt: z.iso.datetime().nullable(),
  })
  .openapi("DeadLetter");

export function toDeadLetterView(row: DeadLetterRow): z.infer<typeof DeadLetterView> {
  return { ...row, createdAt: row.createdAt.toISOString(), replayedAt: row.replayedAt?.toISOString() ?? null };
}

export function findDeadLetter(db: Db, id: string) {
  return db.select().from(deadLetters).where(eq(deadLetters.id, id)).get();
}

export async function listDeadLetters(
  db: Db,
  filter: {
    page: number;
    limit: number;
    integrationId?: string | undefined;
    status?: "pending" | "replayed" | undefined;
  },
  merchantScope: string | null,
) {
  const conditions: SQL[] = [];
  if (merchantScope) conditions.push(eq(deadLetters.merchantId, merchantScope));
  if (filter.integrationId) conditions.push(eq(deadLetters.integrationId, filter.integrationId));
  if (filter.status) conditions.push(eq(deadLetters.status, filter.status));
  return pageOf(db, deadLetters, and(...conditions), [desc(deadLetters.createdAt), desc(deadLetters.id)], filter);
}

/**
 * Puts a dead job back on its queue: the letter is marked replayed and its run (or order) is
 * active again — a run resumes from the page that died, so pages already done are not pushed
 * again. Refused if the letter was replayed already, if its run or order is no longer dead,
 * or if another run of the same type is active now.
 */
export async function replayDeadLetter(
  env: Env,
  db: Db,
  actor: AuditActor,
  letter: DeadLetterRow,
): Promise<DeadLetterRow> {
  if (letter.status !== "pending") throw new AppError("CONFLICT", `Dead letter ${letter.id} was replayed already`);
  const job = SyncMessage.safeParse(letter.message);
  if (!job.success)
    throw new AppError("CONFLICT", `Dead letter ${letter.id} cannot be replayed: it holds no job the gateway knows`);
  const target =
    job.data.kind === "sync.page" ? await runTarget(env, db, job.data) : await orderTarget(env, db, job.data);

  const now = new Date();
  try {
    const [marked] = await db.batch([
      db
        .update(deadLetters)
        .set({ status: "replayed", replayedAt: now })
        .where(and(eq(deadLetters.id, letter.id), eq(deadLetters.status, "pending"))),
      target.reactivate,
      auditInsert(db, actor, {
        action: "dead_letter.replayed",
        outcome: "success",
        merchantId: letter.merchantId,
        target: { type: "dead_letter", id: letter.id },
        details: target.details,
      }),
    ]);
    if (marked.meta.changes !== 1) throw new AppError("CONFLICT", `Dead letter ${letter.id} was replayed already`);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", target.busy);
    throw error;
  }
  try {
    await target.send();
  } catch (error) {
    // Put things back as they were, so the letter can be replayed again later.
    await db.batch([
      db.update(deadLetters).set({ status: "pending", replayedAt: null }).where(eq(deadLetters.id, letter.id)),
      target.rollback,
    ]);
    throw new AppError("SERVICE_UNAVAILABLE", "The sync queue is unavailable; replay again shortly", { cause: error });
  }
  return { ...letter, status: "replayed", replayedAt: now };
}

/** A dead sync page: its run goes back to running and the page to its queue. */
async function runTarget(env: Env, db: Db, job: SyncPageMessage) {
  const run = await findRun(db, job.runId);
  if (!run) throw new AppError("CONFLICT", "This dead letter cannot be replayed: its run no longer exists");
  if (run.status !== "dead")
    throw new AppError("CONFLICT", `Run ${run.id} is ${run.status}, not dead; only dead runs can be replayed`);
  const now = new Date();
  return {
    details: { runId: run.id },
    busy: `A ${run.type} run of this integration is active; replay when it has finished`,
    reactivate: db
      .update(syncRuns)
      .set({ status: "running", finishedAt: null, attempts: 0, updatedAt: now })
      .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "dead"))),
    rollback: db
      .update(syncRuns)
      .set({ status: "dead", finishedAt: now, updatedAt: new Date() })
      .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "running"))),
    send: () => enqueuePage(env, run, job),
  };
}

/** A dead order export: the order goes back to queued and the job to the orders queue. */
async function orderTarget(env: Env, db: Db, job: OrderExportMessage) {
  const order = await findOrder(db, job.orderId);
  if (!order) throw new AppError("CONFLICT", "This dead letter cannot be replayed: its order no longer exists");
  if (order.status !== "failed")
    throw new AppError("CONFLICT", `Order ${order.orderNumber} is ${order.status}; only failed orders can be replayed`);
  return {
    details: { orderId: order.id, orderNumber: order.orderNumber },
    busy: `Order ${order.orderNumber} is being exported`,
    reactivate: db
      .update(orders)
      .set({ status: "queued", attempts: 0, updatedAt: new Date() })
      .where(and(eq(orders.id, order.id), eq(orders.status, "failed"))),
    rollback: db
      .update(orders)
      .set({ status: "failed", updatedAt: new Date() })
      .where(and(eq(orders.id, order.id), eq(orders.status, "queued"))),
    send: () => env.ORDER_QUEUE.send(job),
  };
}

export async function deleteDeadLetter(db: Db, actor: AuditActor, letter: DeadLetterRow): Promise<void> {
  await db.batch([
    db.delete(deadLetters).where(eq(deadLetters.id, letter.id)),
    auditInsert(db, actor, {
      action: "dead_letter.deleted",
      outcome: "success",
      merchantId: letter.merchantId,
      target: { type: "dead_letter", id: letter.id },
      details: { runId: letter.runId },
    }),
  ]);
}
