import { z } from "@hono/zod-openapi";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { type AuditActor, auditInsert } from "../../audit/record.ts";
import { type Db, pageOf } from "../../db/client.ts";
import { type DeadLetterRow, deadLetters } from "../../db/schema.ts";

/** Jobs of every kind that failed their last retry, as an operator lists and deletes them. */
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
