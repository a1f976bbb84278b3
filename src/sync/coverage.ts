import { sql } from "drizzle-orm";
import type { SourcePage } from "../connectors/definition.ts";
import type { Db } from "../db/client.ts";
import { type IntegrationRow, recordHashes, type SyncRunRow } from "../db/schema.ts";
import type { RejectedRow } from "../mapping/engine.ts";
import type { Entity } from "../platform/records.ts";
import type { Candidate } from "./delta.ts";

/**
 * What one page tells about deletions: the keys it read per entity (pushed, unchanged or
 * rejected, as long as the key was readable), and the entities it did not read completely —
 * an incremental read (only what changed), or a row whose key could not be read (that item
 * may be any of the missing ones). Only a complete read may say "this item is gone".
 */
export interface PageCoverage {
  seen: Map<Entity, string[]>;
  partial: Entity[];
  /** Why deletions are not looked for, when the connector said its read may have missed rows. */
  note?: string;
}

export function pageCoverage(
  entities: readonly Entity[],
  page: Pick<SourcePage, "malformed" | "incomplete">,
  candidates: readonly Candidate[],
  rejected: readonly RejectedRow[],
  incremental: boolean,
): PageCoverage {
  // An incremental read makes its entities partial for the whole run: no keys worth marking.
  if (incremental) return { seen: new Map(), partial: [...entities] };
  const seen = new Map<Entity, string[]>(entities.map((e) => [e, []]));
  for (const c of candidates) seen.get(c.entity)?.push(c.key);
  for (const r of rejected) if (r.key !== null) seen.get(r.entity)?.push(r.key);
  const keyless = page.malformed.some((m) => !m.key) || rejected.some((r) => r.key === null);
  if (page.incomplete) {
    return {
      seen,
      partial: [...entities],
      note: `no deletions looked for in ${entities.join(", ")}: ${page.incomplete}`,
    };
  }
  return { seen, partial: keyless ? [...entities] : [] };
}

/** The integration takes items missing from a complete read as gone (setting `deletions`). */
export function findsDeletions(integration: Pick<IntegrationRow, "settings">, run: Pick<SyncRunRow, "entities">) {
  return integration.settings.deletions === "deactivate" && run.entities.some((e) => DELETABLE.has(e));
}

/** The entities a deletion turns off: a gone product becomes inactive, a gone stock row 0. */
export const DELETABLE: ReadonlySet<string> = new Set<Entity>(["products", "inventory"]);

/**
 * Statements marking the page's keys as read by `runId`. Keys the platform never got have no
 * row and need none: only what was pushed before can be missing later.
 */
export function markSeen(db: Db, integrationId: string, runId: string, seen: ReadonlyMap<Entity, string[]>) {
  return [...seen]
    .filter(([entity, keys]) => keys.length > 0 && DELETABLE.has(entity))
    .map(([entity, keys]) =>
      db
        .update(recordHashes)
        .set({ seenRun: runId })
        .where(
          sql`${recordHashes.integrationId} = ${integrationId} AND ${recordHashes.entity} = ${entity}
              AND ${recordHashes.key} IN (SELECT value FROM json_each(${JSON.stringify(keys)}))`,
        ),
    );
}
