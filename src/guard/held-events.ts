/**
 * Incoming webhook events the guard has taken but not yet written to D1, in its Durable Object's
 * SQLite storage. The guard takes an event in the same call that deduplicates it, so that the
 * sender's answer waits on one round trip instead of two; the storage is as durable as D1's,
 * and the alarm moves what is held to D1 in batches (src/inbound/held.ts).
 */
export class HeldEvents {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS held_events (
         id TEXT PRIMARY KEY, body TEXT NOT NULL, held_at INTEGER NOT NULL,
         duplicates INTEGER NOT NULL DEFAULT 0, last_duplicate_at INTEGER
       )`,
    );
  }

  hold(id: string, body: string, now: number): void {
    this.sql.exec("INSERT INTO held_events (id, body, held_at) VALUES (?, ?, ?)", id, body, now);
  }

  /** Counts a duplicate delivery of an event still held; false when it has gone to D1 already. */
  countDuplicate(id: string, now: number): boolean {
    const cursor = this.sql.exec(
      "UPDATE held_events SET duplicates = duplicates + 1, last_duplicate_at = ? WHERE id = ?",
      now,
      id,
    );
    return cursor.rowsWritten > 0;
  }

  /** The oldest held events, at most `limit` of them and about `maxChars` of their bodies (at least one). */
  oldest(limit: number, maxChars: number): HeldRow[] {
    const rows: HeldRow[] = [];
    let chars = 0;
    const cursor = this.sql.exec<{ id: string; body: string; duplicates: number; last_duplicate_at: number | null }>(
      "SELECT id, body, duplicates, last_duplicate_at FROM held_events ORDER BY held_at, id LIMIT ?",
      limit,
    );
    for (const row of cursor) {
      if (rows.length > 0 && chars + row.body.length > maxChars) break;
      chars += row.body.length;
      rows.push({ id: row.id, body: row.body, duplicates: row.duplicates, lastDuplicateAt: row.last_duplicate_at });
    }
    return rows;
  }

  release(ids: readonly string[]): void {
    for (const id of ids) this.sql.exec("DELETE FROM held_events WHERE id = ?", id);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM held_events").one().n;
  }
}

export interface HeldRow {
  id: string;
  /** The event as the receiver gave it, as JSON. */
  body: string;
  /** Deliveries of it answered `duplicate` while it was held. */
  duplicates: number;
  lastDuplicateAt: number | null;
}
