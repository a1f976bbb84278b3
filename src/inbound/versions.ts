import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

const itemKey = (entity: string, key: string) => `${entity}\u0000${key}`;

/**
 * Claims items for an event of `version`: an item is claimed when no newer change was applied
 * to it (an equal version is taken too, so the same event retried, or two changes the sender
 * stamped alike, go through). Returns the keys (`entity\0key`) claimed; the others are stale.
 * One statement whatever the number of items (they travel as JSON, clear of D1's parameter
 * limit), and conditional in the database, so two events racing cannot both win an item.
 */
export async function claimItems(
  db: Db,
  integrationId: string,
  eventId: string,
  version: number,
  items: readonly { entity: string; key: string }[],
  now: Date,
): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const rows = await db.all<{ entity: string; key: string }>(
    sql`INSERT INTO item_versions (integration_id, entity, key, version, event_id, updated_at)
        SELECT ${integrationId}, json_extract(value, '$.e'), json_extract(value, '$.k'), ${version}, ${eventId}, ${now.getTime()}
        FROM json_each(${JSON.stringify(items.map((i) => ({ e: i.entity, k: i.key })))}) WHERE true
        ON CONFLICT (integration_id, entity, key) DO UPDATE SET
          version = excluded.version, event_id = excluded.event_id, updated_at = excluded.updated_at
        WHERE item_versions.version <= excluded.version
        RETURNING entity, key`,
  );
  return new Set(rows.map((r) => itemKey(r.entity, r.key)));
}

export { itemKey };
