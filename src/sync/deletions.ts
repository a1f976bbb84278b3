import { sql } from "drizzle-orm";
import type { Config } from "../config.ts";
import { type Db, runBatch } from "../db/client.ts";
import type { IntegrationRow, SyncRunRow } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import type { Entity } from "../platform/records.ts";
import { DELETABLE } from "./coverage.ts";
import { type Candidate, candidateOf, saveHashes } from "./delta.ts";
import type { SyncPageMessage } from "./page-message.ts";
import { pushChanged } from "./push.ts";
import { recordPage } from "./record.ts";

/** Gone items handled per page (as many as a page of source rows). */
const BATCH = 500;

/**
 * The last step of a run that finds deletions: what the platform has from this integration
 * (the record hashes) but this run did not read is gone from the ERP. Each gone product is
 * pushed once as inactive with stock 0, each gone stock row once as 0 — once, because the
 * item is then stored as inactive and is not taken again until it comes back (and is pushed
 * as active by the ordinary delta). Only entities the run read completely qualify
 * (`partialEntities`), and never on an empty read or when more than `deletionsMaxPercent` of
 * the known items would go: that is far more likely a wrong firm, period or filter than a
 * catalogue emptied overnight, and deactivating a whole shop cannot be undone by the next run.
 * The cursor holds the entities still to do; `null` is the first page, which decides.
 */
export async function deletionPage(
  config: Config,
  db: Db,
  run: SyncRunRow,
  integration: IntegrationRow,
  message: SyncPageMessage,
  log: Logger,
): Promise<{ nextCursor: string | null }> {
  const notes: string[] = [];
  const todo = message.cursor === null ? await decide(db, run, integration, notes) : parseTodo(message.cursor);
  const entity = todo[0];
  const gone = entity ? await goneKeys(db, run, entity) : [];
  const candidates = gone.flatMap((key): Candidate[] =>
    entity === "products"
      ? [
          candidateOf("products", key, { sku: key, active: false }, true),
          candidateOf("inventory", key, { sku: key, stock: 0 }, true),
        ]
      : [candidateOf("inventory", key, { sku: key, stock: 0 }, true)],
  );
  const now = new Date();
  const push = await pushChanged(config, run.id, integration.merchantId, candidates);
  if (push.kind === "partial") {
    await runBatch(db, saveHashes(db, integration.id, push.done.accepted, now, run.id));
    throw push.error;
  }
  const { pushed } = push;
  // What the platform refused is marked as read all the same, so this loop moves on; the next
  // complete read tries it again.
  const refused = Map.groupBy(
    pushed.rejected.map((r) => r.candidate),
    (c) => c.entity,
  );
  const rest = gone.length < BATCH ? todo.slice(1) : todo;
  const nextCursor = rest.length > 0 ? JSON.stringify(rest) : null;
  await recordPage(db, run, message, {
    nextCursor,
    watermark: null,
    incremental: false,
    last: nextCursor === null,
    read: 0,
    changed: candidates.length,
    pushed: pushed.accepted,
    rejections: pushed.rejected.map((r) => ({
      entity: r.candidate.entity,
      key: r.candidate.key,
      field: null,
      reason: `platform: ${r.reason}`,
      page: message.page,
      row: null,
    })),
    requests: pushed.requests,
    seen: new Map([...refused].map(([e, cs]) => [e, cs.map((c) => c.key)])),
    deactivated: pushed.accepted.filter((c) => c.entity === entity).length,
    notes,
  });
  if (gone.length > 0) log.info("gone items turned off", { runId: run.id, entity, count: gone.length });
  return { nextCursor };
}

/** Which of the run's entities may have deletions now; why not, in `notes`. */
async function decide(db: Db, run: SyncRunRow, integration: IntegrationRow, notes: string[]): Promise<Entity[]> {
  const maxPercent = Number(integration.settings.deletionsMaxPercent ?? 50);
  const allowed: Entity[] = [];
  for (const entity of run.entities as Entity[]) {
    if (!DELETABLE.has(entity) || run.partialEntities.includes(entity)) continue;
    const counts = await db.get<{ known: number; seen: number; gone: number }>(
      sql`SELECT count(*) AS known, coalesce(sum(seen_run IS ${run.id}), 0) AS seen,
                 coalesce(sum(seen_run IS NOT ${run.id}), 0) AS gone
          FROM record_hashes WHERE integration_id = ${run.integrationId} AND entity = ${entity} AND inactive = 0`,
    );
    const { known = 0, seen = 0, gone = 0 } = counts ?? {};
    if (gone === 0) continue;
    if (seen === 0) {
      notes.push(
        `deletions held back: the run read no ${entity} at all, so none of the ${known} known are taken as gone`,
      );
    } else if (gone * 100 > known * maxPercent) {
      notes.push(
        `deletions held back: ${gone} of ${known} ${entity} are missing from this read, more than deletionsMaxPercent (${maxPercent}%); raise it if they are really gone`,
      );
    } else allowed.push(entity);
  }
  return allowed;
}

/** Up to a batch of keys the platform has as active that this run did not read. */
async function goneKeys(db: Db, run: SyncRunRow, entity: Entity): Promise<string[]> {
  const rows = await db.all<{ key: string }>(
    sql`SELECT key FROM record_hashes WHERE integration_id = ${run.integrationId} AND entity = ${entity}
        AND inactive = 0 AND seen_run IS NOT ${run.id} ORDER BY key LIMIT ${BATCH}`,
  );
  return rows.map((r) => r.key);
}

function parseTodo(cursor: string): Entity[] {
  const parsed: unknown = JSON.parse(cursor);
  return Array.isArray(parsed) ? parsed.filter((e): e is Entity => typeof e === "string" && DELETABLE.has(e)) : [];
}
