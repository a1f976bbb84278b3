import { type Circuit, closedCircuit } from "./circuit.ts";
import { BUDGETS, type Bucket, type Buckets, type Budget, fullBucket, type RateSettings } from "./rate-limit.ts";

// The sync bucket keeps the key it had when it was the only one.
const BUCKET_KEYS = { sync: "bucket", interactive: "interactive_bucket" } as const;

/**
 * The guard's tables in its Durable Object's SQLite storage. Circuit and buckets are small JSON
 * documents kept in memory and written through on every change; leases and seen webhook ids
 * are rows with an expiry that the alarm sweeps.
 */
export class GuardStorage {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS guard_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS leases (type TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
    sql.exec("CREATE TABLE IF NOT EXISTS seen_events (event_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS seen_events_expiry ON seen_events (expires_at)");
    // Added with incoming webhooks: the gateway's id of the event first seen under an id.
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(seen_events)").toArray();
    if (!columns.some((c) => c.name === "ref")) sql.exec("ALTER TABLE seen_events ADD COLUMN ref TEXT");
  }

  loadCircuit(): Circuit {
    return { ...closedCircuit(), ...this.get<Circuit>("circuit") };
  }

  /** Both budgets' buckets; one never used yet starts full. */
  loadBuckets(rates: Record<Budget, RateSettings>, now: number): Buckets {
    return {
      sync: this.get<Bucket>(BUCKET_KEYS.sync) ?? fullBucket(rates.sync, now),
      interactive: this.get<Bucket>(BUCKET_KEYS.interactive) ?? fullBucket(rates.interactive, now),
    };
  }

  saveBuckets(buckets: Buckets, budgets: readonly Budget[] = BUDGETS): void {
    for (const budget of budgets) this.save(BUCKET_KEYS[budget], buckets[budget]);
  }

  save(key: "circuit" | (typeof BUCKET_KEYS)[Budget], value: Circuit | Bucket): void {
    this.sql.exec("INSERT OR REPLACE INTO guard_state (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }

  /** Takes the lease of `type` if it is free, expired, or already `holder`'s. */
  acquireLease(
    type: string,
    holder: string,
    until: number,
    now: number,
  ): { granted: true } | { granted: false; retryAt: number } {
    const current = this.sql
      .exec<{ holder: string; expires_at: number }>("SELECT holder, expires_at FROM leases WHERE type = ?", type)
      .toArray()[0];
    if (current && current.holder !== holder && current.expires_at > now)
      return { granted: false, retryAt: current.expires_at };
    this.sql.exec("INSERT OR REPLACE INTO leases (type, holder, expires_at) VALUES (?, ?, ?)", type, holder, until);
    return { granted: true };
  }

  releaseLease(type: string, holder: string): void {
    this.sql.exec("DELETE FROM leases WHERE type = ? AND holder = ?", type, holder);
  }

  leases(now: number): { type: string; holder: string; expiresAt: number }[] {
    return this.sql
      .exec<{ type: string; holder: string; expires_at: number }>(
        "SELECT type, holder, expires_at FROM leases WHERE expires_at > ?",
        now,
      )
      .toArray()
      .map((l) => ({ type: l.type, holder: l.holder, expiresAt: l.expires_at }));
  }

  /**
   * The first sighting of an id within its time to live stores `ref` and returns null; every
   * duplicate gets the first one's `ref` back (or "" for ids stored without one).
   */
  markSeen(eventId: string, until: number, now: number, ref: string | null = null): string | null {
    const cursor = this.sql.exec(
      `INSERT INTO seen_events (event_id, expires_at, ref) VALUES (?, ?, ?)
       ON CONFLICT (event_id) DO UPDATE SET expires_at = excluded.expires_at, ref = excluded.ref
       WHERE seen_events.expires_at <= ?`,
      eventId,
      until,
      ref,
      now,
    );
    if (cursor.rowsWritten > 0) return null;
    return (
      this.sql.exec<{ ref: string | null }>("SELECT ref FROM seen_events WHERE event_id = ?", eventId).toArray()[0]
        ?.ref ?? ""
    );
  }

  /** Forgets an id, so that the sender's next delivery of it counts as the first. */
  forget(eventId: string, ref: string): void {
    this.sql.exec("DELETE FROM seen_events WHERE event_id = ? AND ref = ?", eventId, ref);
  }

  /** Deletes expired leases and up to `limit` expired event ids (the alarm returns for the rest). */
  sweep(now: number, limit: number): void {
    this.sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
    this.sql.exec(
      "DELETE FROM seen_events WHERE event_id IN (SELECT event_id FROM seen_events WHERE expires_at <= ? LIMIT ?)",
      now,
      limit,
    );
  }

  /** When the next stored row expires, if any. */
  nextExpiry(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        "SELECT min(at) AS at FROM (SELECT min(expires_at) AS at FROM seen_events UNION ALL SELECT min(expires_at) FROM leases)",
      )
      .one().at;
  }

  seenCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM seen_events").one().n;
  }

  private get<T>(key: string): T | undefined {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM guard_state WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : undefined;
  }
}
