import { sql } from "drizzle-orm";
import { canonicalJson, contentHash } from "../crypto/hash.ts";
import type { Db } from "../db/client.ts";
import { recordHashes } from "../db/schema.ts";
import type { MappedRecord } from "../mapping/engine.ts";
import type { Entity, PlatformRecord } from "../platform/records.ts";

/** A mapped record with the hash of its content. */
export interface Candidate {
  entity: Entity;
  key: string;
  record: PlatformRecord;
  hash: string;
}

/**
 * Hashes each record's canonical JSON. When a key appears twice in one page the last one wins
 * (a later row of an export describes the item's latest state).
 */
export function toCandidates(records: readonly MappedRecord[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const r of records) {
    const hash = contentHash(canonicalJson(r.record));
    byKey.set(`${r.entity}\u0000${r.key}`, { entity: r.entity, key: r.key, record: r.record, hash });
  }
  return [...byKey.values()];
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

/** Statements recording what the platform accepted, as the baseline of the next delta. */
export function saveHashes(db: Db, integrationId: string, accepted: readonly Candidate[], now: Date) {
  return [...groupByEntity(accepted)].map(([entity, group]) =>
    db
      .insert(recordHashes)
      .select(
        // One statement per entity whatever the page size; `WHERE true` lets SQLite read the
        // ON CONFLICT clause that follows a SELECT.
        sql`SELECT ${integrationId}, ${entity}, json_extract(value, '$.k'), json_extract(value, '$.h'), ${now.getTime()}
            FROM json_each(${JSON.stringify(group.map((c) => ({ k: c.key, h: c.hash })))}) WHERE true`,
      )
      .onConflictDoUpdate({
        target: [recordHashes.integrationId, recordHashes.entity, recordHashes.key],
        set: { hash: sql`excluded.hash`, pushedAt: sql`excluded.pushed_at` },
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
