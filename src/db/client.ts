import { drizzle } from "drizzle-orm/d1";
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
