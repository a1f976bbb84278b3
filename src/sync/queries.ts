import { and, desc, eq, type SQL } from "drizzle-orm";
import { type Db, pageOf } from "../db/client.ts";
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
  return pageOf(db, syncRuns, and(...conditions), [desc(syncRuns.createdAt), desc(syncRuns.id)], filter);
}
