import type { Context } from "hono";
import { denyCrossTenant } from "../auth/middleware.ts";
import { canSee } from "../auth/principal.ts";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { AppError } from "../http/errors.ts";
import { findIntegration } from "../integrations/store.ts";

/**
 * The resource if the caller may see it. Missing -> 404; another merchant's -> the same 404
 * (audited as a cross-tenant attempt), so ids of other tenants cannot be probed.
 *
 * @example const row = await visible(c, "integration", id, findIntegration(db, id))
 */
export async function visible<T extends { merchantId: string | null }>(
  c: Context<AppEnv>,
  resource: string,
  id: string,
  lookup: Promise<T | undefined>,
): Promise<T> {
  const row = await lookup;
  if (!row) throw AppError.notFound(resource, id);
  // Rows without a merchant (e.g. an unreadable dead letter) are for platform staff only.
  if (row.merchantId === null ? c.get("principal").merchantId !== null : !canSee(c.get("principal"), row.merchantId)) {
    return denyCrossTenant(c, { type: resource, id });
  }
  return row;
}

/** The integration `id`, if the caller may see it. */
export function visibleIntegration(c: Context<AppEnv>, id: string) {
  return visible(c, "integration", id, findIntegration(getDb(c.env), id));
}
