import type { Config } from "../config.ts";
import type { SourcePage } from "../connectors/definition.ts";
import { connectorOf } from "../connectors/index.ts";
import { connectorFor } from "../connectors/instance.ts";
import { type Db, runBatch } from "../db/client.ts";
import type { IntegrationRow, RejectedRecord, SyncRunRow } from "../db/schema.ts";
import { compileMapping, decimalOption, mapRows } from "../mapping/engine.ts";
import { effectiveMapping } from "../mapping/store.ts";
import type { Logger } from "../observability/logger.ts";
import type { Entity } from "../platform/records.ts";
import { findsDeletions, pageCoverage } from "./coverage.ts";
import { deletionPage } from "./deletions.ts";
import { type Candidate, changedSince, loadStored, saveHashes, toCandidates, zeroInactiveStock } from "./delta.ts";
import type { SyncPageMessage } from "./page-message.ts";
import { pushChanged } from "./push.ts";
import { recordPage } from "./record.ts";
import { startOf } from "./watermarks.ts";

/** Where a run goes after a page: the next page of this stream, or the first of the next. */
export type PageStep = Pick<SyncPageMessage, "stream" | "page" | "cursor">;

/**
 * The work of one page: fetch it from the connector, map and validate its rows, keep the
 * records that changed since the last push, push them, and record it all. Returns the next
 * step, or null after the run's last page.
 */
export async function syncPage(
  env: Env,
  config: Config,
  db: Db,
  run: SyncRunRow,
  integration: IntegrationRow,
  message: SyncPageMessage,
  log: Logger,
): Promise<PageStep | null> {
  const deletions = findsDeletions(integration, run);
  if (message.stream === run.streams.length) {
    const { nextCursor } = await deletionPage(config, db, run, integration, message, log);
    return nextStep(run, message, nextCursor, deletions);
  }
  const { page, sinceUsed } = await fetchPage(env, config, db, integration, run, message);
  const entities = streamEntities(integration, run, message.stream);
  const { records, rejected } = mapRows(mappingOf(integration), page.rows, entities, {
    firstRow: page.firstRow ?? message.page * pageSizeOf(integration) + 1,
    ...decimalOption(integration),
  });
  const mapped = toCandidates(records);
  const stored = await loadStored(db, integration.id, mapped);
  const candidates = zeroInactiveStock(mapped, stored);
  const changed = changedSince(candidates, stored, run.force);
  const coverage = deletions ? pageCoverage(entities, page, candidates, rejected, sinceUsed) : null;

  const push = await pushChanged(config, run.id, integration.merchantId, changed);
  if (push.kind === "partial") {
    // What the platform accepted is recorded, so the retried page does not push it again; the
    // failure that stopped the push goes on to the consumer.
    await runBatch(db, saveHashes(db, integration.id, push.done.accepted, new Date(), coverage ? run.id : null));
    throw push.error;
  }
  const { pushed } = push;

  const next = nextStep(run, message, page.nextCursor, deletions);
  const rejections: RejectedRecord[] = [
    ...page.malformed.map((m) => ({
      entity: null,
      key: m.key ?? null,
      field: null,
      reason: m.reason,
      page: message.page,
      row: m.row,
    })),
    ...rejected.map((r) => ({
      entity: r.entity,
      key: r.key,
      field: r.field,
      reason: r.reason,
      page: message.page,
      row: r.row,
    })),
    ...pushed.rejected.map((r) => rejectedByPlatform(r, message.page)),
  ];
  await recordPage(db, run, message, {
    nextCursor: page.nextCursor,
    watermark: page.watermark ?? null,
    fromWatermark: sinceUsed,
    incremental: streamOf(integration, run.streams[message.stream] ?? "")?.incremental === true,
    last: next === null,
    read: page.rows.length + page.malformed.length,
    changed: changed.length,
    pushed: pushed.accepted,
    rejections,
    requests: pushed.requests,
    seen: coverage?.seen,
    partial: coverage?.partial ?? [],
    notes: coverage?.note ? [coverage.note] : [],
  });
  log.info("page synced", {
    runId: run.id,
    stream: message.stream,
    page: message.page,
    read: page.rows.length,
    changed: changed.length,
    pushed: pushed.accepted.length,
    rejected: rejections.length,
  });
  return next;
}

/**
 * Where the run goes after this page: the next page, the next stream, the deletion step (its
 * stream index is the number of streams) for a run that finds deletions, or nowhere (done).
 */
export function nextStep(
  run: Pick<SyncRunRow, "streams">,
  message: Pick<SyncPageMessage, "stream" | "page">,
  nextCursor: string | null,
  deletions: boolean,
): PageStep | null {
  if (nextCursor !== null) return { stream: message.stream, page: message.page + 1, cursor: nextCursor };
  const stream = message.stream + 1;
  if (stream < run.streams.length || (stream === run.streams.length && deletions)) {
    return { stream, page: 0, cursor: null };
  }
  return null;
}

/**
 * The page from the connector, and whether its stream is read incrementally in this run (from
 * the last complete run's watermark: only what changed since, so nothing can be found missing).
 */
async function fetchPage(
  env: Env,
  config: Config,
  db: Db,
  integration: IntegrationRow,
  run: SyncRunRow,
  message: SyncPageMessage,
): Promise<{ page: SourcePage; sinceUsed: boolean }> {
  const connector = await connectorFor(env, config, integration, { budget: "sync", source: run.source });
  const stream = run.streams[message.stream];
  if (!stream) throw new Error(`run ${run.id} has no stream ${message.stream}`);
  // An incremental stream starts where the last complete run ended (src/sync/watermarks.ts).
  const incremental = streamOf(integration, stream)?.incremental === true && message.cursor === null;
  const since = incremental ? await startOf(db, integration, run, stream) : null;
  const page = await connector.fetchPage(stream, message.cursor, pageSizeOf(integration), { since });
  return { page, sinceUsed: since !== null };
}

const streamOf = (integration: IntegrationRow, name: string) =>
  connectorOf(integration.connector).streams.find((s) => s.name === name);

export const pageSizeOf = (integration: IntegrationRow) => Number(integration.settings.pageSize ?? 500);

/** The run's entities that this stream feeds. */
function streamEntities(integration: IntegrationRow, run: SyncRunRow, stream: number): Entity[] {
  const definition = connectorOf(integration.connector).streams.find((s) => s.name === run.streams[stream]);
  return (run.entities as Entity[]).filter((e) => definition?.entities.includes(e));
}

function mappingOf(integration: IntegrationRow) {
  return compileMapping(effectiveMapping(integration).mapping);
}

function rejectedByPlatform(r: { candidate: Candidate; reason: string }, page: number): RejectedRecord {
  return {
    entity: r.candidate.entity,
    key: r.candidate.key,
    field: null,
    reason: `platform: ${r.reason}`,
    page,
    row: null,
  };
}
