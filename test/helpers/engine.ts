import { env } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import { expect } from "vitest";
import { type Config, requireConfig } from "../../src/config.ts";
import { csvConnector } from "../../src/connectors/csv/definition.ts";
import { defineConnector, type SourcePage } from "../../src/connectors/definition.ts";
import { registerConnector } from "../../src/connectors/index.ts";
import { baseSettings } from "../../src/connectors/settings.ts";
import { type Db, getDb } from "../../src/db/client.ts";
import type { IntegrationRow, SyncRunRow } from "../../src/db/schema.ts";
import { findIntegration } from "../../src/integrations/store.ts";
import { createLogger } from "../../src/observability/logger.ts";
import type { SyncPageMessage } from "../../src/sync/page-message.ts";
import { findRun } from "../../src/sync/runs.ts";
import { csvIntegration, trigger } from "./integrations.ts";
import { newMerchant } from "./unique.ts";

/** The id the in-memory connector is registered under. */
export const MEMORY_CONNECTOR = "memory-test";

/** The rows each integration's in-memory source holds, by integration id. */
const sources = new Map<string, { rows: Record<string, unknown>[]; pages: number }>();

/**
 * A connector with no upstream: one stream ("rows", feeding products, inventory and prices
 * under the CSV connector's default mapping) served page by page from `serveRows`. The cursor
 * is the offset of the next row. It counts the pages it served, so a test can tell a read.
 */
export const memoryConnector = defineConnector({
  name: "In-memory",
  version: "1.0.0",
  supportedOperations: ["products", "inventory", "prices"],
  credentials: z.object({}),
  settings: baseSettings,
  urlFields: [],
  streams: [{ name: "rows", entities: ["products", "inventory", "prices"] }],
  defaultMapping: csvConnector.defaultMapping,
  create: (ctx) => ({
    testConnection: async () => ({ ok: true, checks: [] }),
    async fetchPage(_stream, cursor, pageSize): Promise<SourcePage> {
      const source = sources.get(ctx.integrationId);
      if (!source) throw new Error(`no rows served for ${ctx.integrationId}`);
      source.pages++;
      const from = Number(cursor ?? 0);
      const to = from + pageSize;
      return {
        rows: source.rows.slice(from, to),
        nextCursor: to < source.rows.length ? String(to) : null,
        malformed: [],
        firstRow: from + 1,
      };
    },
  }),
});
registerConnector(MEMORY_CONNECTOR, memoryConnector);

/** Replaces what the in-memory source of `integrationId` holds. */
export function serveRows(integrationId: string, rows: Record<string, unknown>[]): void {
  sources.set(integrationId, { rows, pages: sources.get(integrationId)?.pages ?? 0 });
}

/** How many pages the in-memory source of `integrationId` has served. */
export const pagesServed = (integrationId: string) => sources.get(integrationId)?.pages ?? 0;

/** Catalogue rows as the CSV connector's default mapping reads them. */
export const catalogueRow = (sku: string, stock = 1, price = "9.90") => ({ sku, name: `Item ${sku}`, price, stock });

/** What the sync engine works on, outside the queue: a stored integration and a queued run of it. */
export interface EngineRun {
  db: Db;
  config: Config;
  integration: IntegrationRow;
  run: SyncRunRow;
  merchantId: string;
}

/**
 * An integration on the in-memory connector serving `rows`, with a `queuedRun` of it: the
 * engine's functions are then called directly with this run. `settings` are the integration's.
 */
export async function engineRun(
  options: {
    rows?: Record<string, unknown>[];
    settings?: Record<string, unknown>;
    type?: string;
    force?: boolean;
  } = {},
): Promise<EngineRun> {
  const merchantId = newMerchant("m-engine");
  const id = await csvIntegration(merchantId, { settings: options.settings });
  await env.DB.prepare("UPDATE integrations SET connector = ? WHERE id = ?").bind(MEMORY_CONNECTOR, id).run();
  serveRows(id, options.rows ?? []);
  const db = getDb(env);
  const integration = await findIntegration(db, id);
  if (!integration) throw new Error("the integration was not stored");
  const run = await queuedRun(id, { type: options.type, force: options.force });
  return { db, config: await requireConfig(env), integration, run, merchantId };
}

/**
 * A run of `type` (full unless told) started through the API as a person would, its queue
 * message delayed by 12 hours: stored as the engine gets it, and only the test works on it.
 */
export async function queuedRun(
  integrationId: string,
  options: { type?: string | undefined; force?: boolean | undefined } = {},
): Promise<SyncRunRow> {
  const res = await trigger(integrationId, {
    type: options.type ?? "full",
    delay: 43_200_000,
    ...(options.force ? { force: true } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return storedRun(getDb(env), res.body.data.runId);
}

/** The queue message of one page of `run`. */
export const pageMessage = (
  run: Pick<SyncRunRow, "id" | "integrationId">,
  page = 0,
  cursor: string | null = null,
  stream = 0,
): SyncPageMessage => ({ kind: "sync.page", runId: run.id, integrationId: run.integrationId, stream, page, cursor });

/** The run as stored now. */
export async function storedRun(db: Db, runId: string): Promise<SyncRunRow> {
  const run = await findRun(db, runId);
  if (!run) throw new Error(`no run ${runId}`);
  return run;
}

/** A logger that only says errors, as the tests' LOG_LEVEL does. */
export const quietLog = () => createLogger("error");
