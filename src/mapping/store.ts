import { and, eq, type SQL } from "drizzle-orm";
import { type AuditActor, auditInsertIfMatches } from "../audit/record.ts";
import { connectorOf } from "../connectors/index.ts";
import type { Db } from "../db/client.ts";
import { type IntegrationRow, integrations } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { MappingDocument } from "./schema.ts";
import { RETIRED_TARGETS } from "./validate.ts";

/** The mapping in force for an integration: its saved one, or its connector's default. */
export function effectiveMapping(integration: IntegrationRow): { mapping: MappingDocument; isDefault: boolean } {
  if (integration.mapping) {
    const mappings = integration.mapping.mappings.filter((rule) => !RETIRED_TARGETS.has(rule.targetField));
    return { mapping: { ...integration.mapping, mappings }, isDefault: false };
  }
  return { mapping: MappingDocument.parse(connectorOf(integration.connector).defaultMapping), isDefault: true };
}

/**
 * Saves (or with null, removes) an integration's mapping, already validated by the caller.
 * Conditional on the version read, like every integration write, and audited with it.
 */
export async function saveMapping(
  db: Db,
  actor: AuditActor,
  integration: IntegrationRow,
  mapping: MappingDocument | null,
) {
  const now = new Date();
  const unchanged = and(eq(integrations.id, integration.id), eq(integrations.version, integration.version)) as SQL;
  const [, update] = await db.batch([
    auditInsertIfMatches(
      db,
      actor,
      {
        action: "integration.mapping_updated",
        outcome: "success",
        merchantId: integration.merchantId,
        target: { type: "integration", id: integration.id },
        details: mapping ? { rules: mapping.mappings.length, lookups: Object.keys(mapping.lookups) } : { reset: true },
      },
      integrations,
      unchanged,
    ),
    db
      .update(integrations)
      .set({ mapping, version: integration.version + 1, updatedAt: now })
      .where(unchanged),
  ]);
  if (update.meta.changes !== 1) {
    throw new AppError("CONFLICT", `Integration ${integration.id} changed while the mapping was saved; try again`);
  }
}
