import { and, desc, eq, type SQL } from "drizzle-orm";
import { type Db, pageOf } from "../db/client.ts";
import { type IntegrationRow, integrations } from "../db/schema.ts";
import type { ListIntegrationsFilter } from "./schemas.ts";

/** Plain queries on the integrations table; tenant checks happen before these are called. */

export async function findIntegration(db: Db, id: string): Promise<IntegrationRow | undefined> {
  return db.select().from(integrations).where(eq(integrations.id, id)).get();
}

/** One page of integrations, newest first, within `merchantScope` when it is not null. */
export async function listIntegrations(db: Db, filter: ListIntegrationsFilter, merchantScope: string | null) {
  const conditions: SQL[] = [];
  const merchantId = merchantScope ?? filter.merchantId;
  if (merchantId) conditions.push(eq(integrations.merchantId, merchantId));
  if (filter.connector) conditions.push(eq(integrations.connector, filter.connector));
  if (filter.status) conditions.push(eq(integrations.status, filter.status));
  if (filter.type) conditions.push(eq(integrations.type, filter.type));
  return pageOf(db, integrations, and(...conditions), [desc(integrations.createdAt), desc(integrations.id)], filter);
}

/** D1 reports a unique-index violation only in the message text. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed/i.test(e.message)) return true;
  }
  return false;
}
