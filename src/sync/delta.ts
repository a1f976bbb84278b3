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

const storeKey = (entity: string, key: string) => `${entity}\u0000${key}`;

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
    byKey.set(storeKey(r.entity, r.key), candidateOf(r.entity, r.key, r.record, inactive));
  }
  return [...byKey.values()];
}

/** What was last pushed per `entity\u0000key`: the hash, and whether the item is inactive there. */
export type Stored = ReadonlyMap<string, { hash: string; inactive: boolean }>;

/**
 * What the platform last got for the page's keys — and, for a page with stock, whether those
 * items' products are inactive — in one query whatever the page size: entities and keys travel
 * as JSON parameters, which keeps clear of D1's 100-parameter limit.
 */
export async function loadStored(db: Db, integrationId: string, candidates: readonly Candidate[]): Promise<Stored> {
  if (candidates.length === 0) return new Map();
  const entities = new Set<string>(candidates.map((c) => c.entity));
  if (entities.has("inventory")) entities.add("products");
  const rows = await db.all<{ entity: string; key: string; hash: string; inactive: number }>(
    sql`SELECT entity, key, hash, inactive FROM record_hashes WHERE integration_id = ${integrationId}
        AND entity IN (SELECT value FROM json_each(${JSON.stringify([...entities])}))
        AND key IN (SELECT value FROM json_each(${JSON.stringify([...new Set(candidates.map((c) => c.key))])}))`,
  );
  return new Map(rows.map((r) => [storeKey(r.entity, r.key), { hash: r.hash, inactive: r.inactive === 1 }]));
}

/**
 * Never sell what is not for sale: the stock of an item whose product is inactive — passive in
 * the ERP, or gone from it — is pushed as 0, whatever the ERP holds. Inactive means: made so by
 * this page, or stored as inactive and not made active again by this page.
 */
export function zeroInactiveStock(candidates: readonly Candidate[], stored: Stored): Candidate[] {
  const products = new Map(candidates.filter((c) => c.entity === "products").map((c) => [c.key, c.inactive]));
  const inactive = (key: string) => products.get(key) ?? stored.get(storeKey("products", key))?.inactive ?? false;
  return candidates.map((c) =>
    c.entity === "inventory" && inactive(c.key)
      ? candidateOf("inventory", c.key, { ...(c.record as InventoryRecord), stock: 0 }, true)
      : c,
  );
}

/** The candidates whose content differs from what was last pushed (all of them with `force`). */
export function changedSince(candidates: readonly Candidate[], stored: Stored, force: boolean): Candidate[] {
  return force ? [...candidates] : candidates.filter((c) => stored.get(storeKey(c.entity, c.key))?.hash !== c.hash);
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
