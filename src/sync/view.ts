import { z } from "@hono/zod-openapi";
import { RUN_STATUSES, RUN_TRIGGERS, SYNC_TYPES, type SyncRunRow } from "../db/schema.ts";

export const RunView = z
  .object({
    id: z.string().openapi({ example: "run_01JD3W8Z5Q6Y7X8V9T0S1R2P3N" }),
    integrationId: z.string(),
    merchantId: z.string(),
    type: z.enum(SYNC_TYPES),
    trigger: z.enum(RUN_TRIGGERS),
    status: z.enum(RUN_STATUSES),
    priority: z.number().int(),
    force: z.boolean(),
    source: z
      .string()
      .nullable()
      .openapi({ description: "`upload:<id>` for uploaded files; null for the integration's source" }),
    entities: z.array(z.string()),
    progress: z.object({
      pagesDone: z.number().int(),
      itemsRead: z.number().int(),
      itemsChanged: z.number().int().openapi({ description: "Records that differed from what was last pushed" }),
      itemsPushed: z.number().int().openapi({ description: "Records the platform accepted" }),
      itemsRejected: z
        .number()
        .int()
        .openapi({ description: "Rows or records refused (mapping, validation, platform)" }),
      platformRequests: z.number().int(),
      itemsDeactivated: z.number().int().openapi({
        description: "Items gone from the source that were turned off on the platform (inactive, stock 0)",
      }),
    }),
    rejectedSample: z
      .array(
        z.object({
          entity: z.string().nullable(),
          key: z.string().nullable(),
          field: z.string().nullable(),
          reason: z.string(),
          page: z.number().int(),
          row: z.number().int().nullable(),
        }),
      )
      .openapi({ description: "Up to 20 rejected records, each with why" }),
    notes: z
      .array(z.string())
      .openapi({ description: "What the run chose not to do, and why (e.g. deletions held back after an empty read)" }),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    retryAt: z.iso.datetime().nullable().openapi({ description: "When a failed page is tried again" }),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    durationMs: z.number().int().nullable(),
  })
  .openapi("SyncRun");
export type RunView = z.infer<typeof RunView>;

export function toRunView(run: SyncRunRow): RunView {
  return {
    id: run.id,
    integrationId: run.integrationId,
    merchantId: run.merchantId,
    type: run.type,
    trigger: run.trigger,
    status: run.status,
    priority: run.priority,
    force: run.force,
    source: run.source,
    entities: run.entities,
    progress: {
      pagesDone: run.pagesDone,
      itemsRead: run.itemsRead,
      itemsChanged: run.itemsChanged,
      itemsPushed: run.itemsPushed,
      itemsRejected: run.itemsRejected,
      platformRequests: run.platformRequests,
      itemsDeactivated: run.itemsDeactivated,
    },
    rejectedSample: run.rejectedSample.map((r) => ({ ...r, row: r.row ?? null })),
    notes: run.notes,
    attempts: run.attempts,
    lastError: run.lastError,
    retryAt: run.retryAt?.toISOString() ?? null,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
  };
}
