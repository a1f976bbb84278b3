import { and, count, desc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type RunStatus, syncRuns } from "../db/schema.ts";
import type { SyncType } from "./plan.ts";

/** One page of an integration's runs, newest first. */
export async function listRuns(
  db: Db,
  integrationId: string,
  filter: { page: number; limit: number; status?: RunStatus | undefined; type?: SyncType | undefined },
) {
  const conditions: SQL[] = [eq(syncRuns.integrationId, integrationId)];
  if (filter.status) conditions.push(eq(syncRuns.status, filter.status));
  if (filter.type) conditions.push(eq(syncRuns.type, filter.type));
  const where = and(...conditions);
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(syncRuns)
      .where(where)
      .orderBy(desc(syncRuns.createdAt), desc(syncRuns.id))
      .limit(filter.limit)
      .offset((filter.page - 1) * filter.limit),
    db.select({ n: count() }).from(syncRuns).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}
