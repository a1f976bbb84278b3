import { z } from "@hono/zod-openapi";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { type AuditActor, auditInsert } from "../audit/record.ts";
import { type Db, pageOf } from "../db/client.ts";
import { type DeadLetterRow, deadLetters, syncRuns } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { isUniqueViolation } from "../integrations/store.ts";
import { SyncMessage } from "../queues/messages.ts";
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
 * Puts a dead job back on its queue: the letter is marked replayed and its run is active again,
 * from the page that died (pages already done are not pushed again). Refused if the letter was
 * replayed already or if another run of the same type is active now.
 */
export async function replayDeadLetter(
  env: Env,
  db: Db,
  actor: AuditActor,
  letter: DeadLetterRow,
): Promise<DeadLetterRow> {
  if (letter.status !== "pending") throw new AppError("CONFLICT", `Dead letter ${letter.id} was replayed already`);
  const job = SyncMessage.safeParse(letter.message);
  const run = job.success ? await findRun(db, job.data.runId) : undefined;
  if (!job.success || !run)
    throw new AppError("CONFLICT", `Dead letter ${letter.id} cannot be replayed: its job or run no longer exists`);
  if (run.status !== "dead")
    throw new AppError("CONFLICT", `Run ${run.id} is ${run.status}, not dead; only dead runs can be replayed`);

  const now = new Date();
  try {
    const [marked] = await db.batch([
      db
        .update(deadLetters)
        .set({ status: "replayed", replayedAt: now })
        .where(and(eq(deadLetters.id, letter.id), eq(deadLetters.status, "pending"))),
      db
        .update(syncRuns)
        .set({ status: "running", finishedAt: null, attempts: 0, updatedAt: now })
        .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "dead"))),
      auditInsert(db, actor, {
        action: "dead_letter.replayed",
        outcome: "success",
        merchantId: letter.merchantId,
        target: { type: "dead_letter", id: letter.id },
        details: { runId: run.id },
      }),
    ]);
    if (marked.meta.changes !== 1) throw new AppError("CONFLICT", `Dead letter ${letter.id} was replayed already`);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("CONFLICT", `A ${run.type} run of this integration is active; replay when it has finished`);
    }
    throw error;
  }
  try {
    await enqueuePage(env, run, job.data);
  } catch (error) {
    // Put things back as they were, so the letter can be replayed again later.
    await db.batch([
      db.update(deadLetters).set({ status: "pending", replayedAt: null }).where(eq(deadLetters.id, letter.id)),
      db
        .update(syncRuns)
        .set({ status: "dead", finishedAt: now, updatedAt: new Date() })
        .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "running"))),
    ]);
    throw new AppError("SERVICE_UNAVAILABLE", "The sync queue is unavailable; replay again shortly", { cause: error });
  }
  return { ...letter, status: "replayed", replayedAt: now };
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
