import { and, eq } from "drizzle-orm";
import { type AuditActor, auditInsert } from "../../audit/record.ts";
import type { Db } from "../../db/client.ts";
import { type DeadLetterRow, deadLetters } from "../../db/schema.ts";
import { AppError } from "../../http/errors.ts";
import { isUniqueViolation } from "../../integrations/store.ts";
import { enqueueJob } from "../enqueue.ts";
import { JobMessage, kindOf } from "../registry.ts";

/**
 * Puts a dead job back on its queue: the letter is marked replayed and what the job belongs to
 * is active again, as its kind says (`replayTarget`: a run resumes from the page that died, so
 * pages already done are not pushed again; an order is queued again). Refused if the letter was
 * replayed already, if its run or order is no longer dead, or if another run of the same type
 * is active now.
 */
export async function replayDeadLetter(
  env: Env,
  db: Db,
  actor: AuditActor,
  letter: DeadLetterRow,
): Promise<DeadLetterRow> {
  if (letter.status !== "pending") throw new AppError("CONFLICT", `Dead letter ${letter.id} was replayed already`);
  const parsed = JobMessage.safeParse(letter.message);
  if (!parsed.success)
    throw new AppError("CONFLICT", `Dead letter ${letter.id} cannot be replayed: it holds no job the gateway knows`);
  const job = parsed.data;
  const kind = kindOf(job);
  const target = await kind.replayTarget(env, db, job);

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
    await enqueueJob(env, job, { queue: kind.queue, priority: target.priority });
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
