import { sql } from "drizzle-orm";
import { canonicalJson, contentHash } from "../crypto/hash.ts";
import type { Db } from "../db/client.ts";
import { recordHashes } from "../db/schema.ts";
import type { MappedRecord } from "../mapping/engine.ts";
import type { Entity, InventoryRecord, PlatformRecord } from "../platform/records.ts";

/** A mapped record with the hash of its content. */
export interface Candidate {
  entity: Entity;
  key: string;
  record: PlatformRecord;
  hash: string;
  /** The platform has the item as inactive once this is pushed (see `recordHashes.inactive`). */
  inactive: boolean;
}

/** A candidate for `record`, hashed. */
export function candidateOf(entity: Entity, key: string, record: PlatformRecord, inactive: boolean): Candidate {
  return { entity, key, record, hash: contentHash(canonicalJson(record)), inactive };
}

/**
 * Hashes each record's canonical JSON. When a key appears twice in one page the last one wins
 * (a later row of an export describes the item's latest state). A product mapped with
 * `active: false` (passive in the ERP) is inactive.
 */
export function toCandidates(records: readonly MappedRecord[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const r of records) {
    const inactive = r.entity === "products" && (r.record as { active?: boolean }).active === false;
    byKey.set(`${r.entity}\u0000${r.key}`, candidateOf(r.entity, r.key, r.record, inactive));
  }
  return [...byKey.values()];
}

/**
 * Never sell what is not for sale: the stock of an item whose product is inactive — passive in
 * the ERP, or gone from it — is pushed as 0, whatever the ERP holds. Inactive means: made so by
 * this page, or stored as inactive and not made active again by this page.
 */
export async function zeroInactiveStock(
  db: Db,
  integrationId: string,
  candidates: readonly Candidate[],
): Promise<Candidate[]> {
  const stock = candidates.filter((c) => c.entity === "inventory");
  if (stock.length === 0) return [...candidates];
  const products = new Map(candidates.filter((c) => c.entity === "products").map((c) => [c.key, c.inactive]));
  const stored = await db.all<{ key: string }>(
    sql`SELECT key FROM record_hashes WHERE integration_id = ${integrationId} AND entity = 'products' AND inactive = 1
        AND key IN (SELECT value FROM json_each(${JSON.stringify(stock.map((c) => c.key))}))`,
  );
  const inactive = new Set(stored.map((s) => s.key).filter((key) => products.get(key) !== false));
  for (const [key, isInactive] of products) if (isInactive) inactive.add(key);
  return candidates.map((c) =>
    c.entity === "inventory" && inactive.has(c.key)
      ? candidateOf("inventory", c.key, { ...(c.record as InventoryRecord), stock: 0 }, true)
      : c,
  );
}

/**
 * The candidates whose content differs from what was last pushed (all of them with `force`).
 * One query per entity whatever the page size: keys travel as one JSON parameter, which keeps
 * clear of D1's 100-parameter limit.
 */
export async function changedSince(db: Db, integrationId: string, candidates: readonly Candidate[], force: boolean) {
  if (force || candidates.length === 0) return [...candidates];
  const changed: Candidate[] = [];
  for (const [entity, group] of groupByEntity(candidates)) {
    const keys = JSON.stringify(group.map((c) => c.key));
    const stored = await db.all<{ key: string; hash: string }>(
      sql`SELECT key, hash FROM record_hashes WHERE integration_id = ${integrationId} AND entity = ${entity}
          AND key IN (SELECT value FROM json_each(${keys}))`,
    );
    const known = new Map(stored.map((s) => [s.key, s.hash]));
    changed.push(...group.filter((c) => known.get(c.key) !== c.hash));
  }
  return changed;
}

/**
 * Statements recording what the platform accepted, as the baseline of the next delta: the
 * hash, whether the item is now inactive there, and the run that read it.
 */
export function saveHashes(
  db: Db,
  integrationId: string,
  accepted: readonly Candidate[],
  now: Date,
  runId: string | null = null,
) {
  return [...groupByEntity(accepted)].map(([entity, group]) =>
    db
      .insert(recordHashes)
      .select(
        // One statement per entity whatever the page size; `WHERE true` lets SQLite read the
        // ON CONFLICT clause that follows a SELECT.
        sql`SELECT ${integrationId}, ${entity}, json_extract(value, '$.k'), json_extract(value, '$.h'), ${now.getTime()},
                   ${runId}, json_extract(value, '$.i')
            FROM json_each(${JSON.stringify(group.map((c) => ({ k: c.key, h: c.hash, i: c.inactive ? 1 : 0 })))}) WHERE true`,
      )
      .onConflictDoUpdate({
        target: [recordHashes.integrationId, recordHashes.entity, recordHashes.key],
        set: {
          hash: sql`excluded.hash`,
          pushedAt: sql`excluded.pushed_at`,
          seenRun: sql`coalesce(excluded.seen_run, ${recordHashes.seenRun})`,
          inactive: sql`excluded.inactive`,
        },
      }),
  );
}

function groupByEntity(candidates: readonly Candidate[]): Map<Entity, Candidate[]> {
  const groups = new Map<Entity, Candidate[]>();
  for (const c of candidates) {
    const group = groups.get(c.entity);
    if (group) group.push(c);
    else groups.set(c.entity, [c]);
  }
  return groups;
}
