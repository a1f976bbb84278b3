import { type Column, sql } from "drizzle-orm";
import type { RetryNote } from "./kind.ts";

/**
 * The columns a retry note sets on a job's row (a run, an order): attempts only ever grow (a
 * late redelivery must not lower them, and a wait uses none), the last error is cut to what a
 * row keeps.
 *
 * @example await db.update(orders).set(retryNoteColumns(orders.attempts, note)).where(eq(orders.id, id))
 */
export function retryNoteColumns(attempts: Column, note: RetryNote) {
  return {
    ...(note.attempts !== undefined ? { attempts: sql`max(${attempts}, ${note.attempts})` } : {}),
    lastError: note.error.slice(0, 2000),
    updatedAt: new Date(),
  };
}
