import { count, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "./schema.ts";

/** A drizzle handle over the request's D1 binding. Cheap: create one per request or job. */
export function getDb(env: Pick<Env, "DB">) {
  return drizzle(env.DB, { schema });
}

export type Db = ReturnType<typeof getDb>;

type BatchItem = Parameters<Db["batch"]>[0][number];

/** `db.batch` for a list that may be empty (D1 rejects an empty batch; drizzle wants a tuple). */
export async function runBatch(db: Db, statements: readonly BatchItem[]): Promise<void> {
  if (statements.length === 0) return;
  await db.batch(statements as [BatchItem, ...BatchItem[]]);
}

/**
 * One page of a table, newest first by `orderBy`, and the total matching `where`, in one
 * round trip: what every list endpoint answers with.
 */
export async function pageOf<T extends SQLiteTable>(
  db: Db,
  table: T,
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page: number; limit: number },
): Promise<{ rows: T["$inferSelect"][]; total: number }> {
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(table as SQLiteTable)
      .where(where)
      .orderBy(...orderBy)
      .limit(page.limit)
      .offset((page.page - 1) * page.limit),
    db
      .select({ n: count() })
      .from(table as SQLiteTable)
      .where(where),
  ]);
  return { rows: rows as T["$inferSelect"][], total: total?.n ?? 0 };
}
