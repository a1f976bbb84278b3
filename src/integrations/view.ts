import type { IntegrationRow } from "../db/schema.ts";
import type { IntegrationView } from "./schemas.ts";

/** The API shape of a stored integration. Credentials never leave as values. */
export function toView(row: IntegrationRow): IntegrationView {
  return {
    id: row.id,
    merchantId: row.merchantId,
    name: row.name,
    type: row.type,
    connector: row.connector,
    status: row.status,
    settings: row.settings,
    credentials: { fieldsSet: row.credentialFields },
    nextSyncAt: row.nextSyncAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
