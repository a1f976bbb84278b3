import { createRoute, z } from "@hono/zod-openapi";
import { actorFromContext, recordAudit } from "../audit/record.ts";
import { requireWriter } from "../auth/middleware.ts";
import { getDb } from "../db/client.ts";
import { idPattern } from "../db/ids.ts";
import { RUN_STATUSES, SYNC_TYPES } from "../db/schema.ts";
import { accepted, ok, paginated } from "../http/envelope.ts";
import { optionalJsonBody } from "../http/optional-body.ts";
import { IntegrationParams } from "../integrations/schemas.ts";
import { bearerSecurity, dataResponse, errorResponses, PageQuery, pageResponse } from "../openapi/schemas.ts";
import { listRuns } from "../sync/queries.ts";
import { findRun, startedOrLimited, startRun } from "../sync/runs.ts";
import { RunView, toRunView } from "../sync/view.ts";
import { visible, visibleIntegration } from "./access.ts";
import { createRouter } from "./router.ts";

/** /api/integrations/{id}/sync, /api/integrations/{id}/runs, /api/runs/{runId} */
export const syncRoutes = createRouter();
const tags = ["Sync"];

const SyncBody = z
  .object({
    type: z.enum(SYNC_TYPES).default("full"),
    priority: z.number().int().min(0).max(10).default(0).openapi({ description: "Above 0 runs on the priority queue" }),
    delay: z
      .number()
      .int()
      .min(0)
      .max(43_200_000)
      .default(0)
      .openapi({ description: "Milliseconds before the run starts" }),
    force: z.boolean().default(false).openapi({ description: "Push every record, changed or not" }),
  })
  .strict()
  .prefault({});

const Started = z
  .object({
    runId: z.string(),
    coalesced: z.boolean().openapi({ description: "An active run of this type was returned instead of a new one" }),
    run: RunView,
  })
  .openapi("SyncStarted");

syncRoutes.openapi(
  createRoute({
    method: "post",
    path: "/integrations/{id}/sync",
    tags,
    summary: "Trigger a sync",
    description:
      "Answers 202 with the run. While a run of the same type is queued or running, that run is returned (`coalesced`). The body is optional: none, an empty one and `{}` all mean a `full` sync with the defaults.",
    security: bearerSecurity,
    middleware: [requireWriter(), optionalJsonBody()] as const,
    request: { params: IntegrationParams, body: { content: { "application/json": { schema: SyncBody } } } },
    responses: {
      202: dataResponse(Started, "Queued (or coalesced)"),
      ...errorResponses(400, 401, 403, 404, 409, 415, 429, 500, 503),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const body = c.req.valid("json");
    const db = getDb(c.env);
    const outcome = await startRun(c.env, db, integration, {
      type: body.type,
      trigger: "manual",
      priority: body.priority,
      delaySeconds: Math.ceil(body.delay / 1000),
      force: body.force,
    });
    const { run, coalesced } = startedOrLimited(outcome, integration.merchantId);
    if (!coalesced) {
      await recordAudit(db, actorFromContext(c), {
        action: "sync.triggered",
        outcome: "success",
        merchantId: integration.merchantId,
        target: { type: "integration", id: integration.id },
        details: { runId: run.id, type: body.type, priority: body.priority, force: body.force },
      });
    }
    return accepted(c, { runId: run.id, coalesced, run: toRunView(run) });
  },
);

syncRoutes.openapi(
  createRoute({
    method: "get",
    path: "/integrations/{id}/runs",
    tags,
    summary: "List an integration's runs",
    security: bearerSecurity,
    request: {
      params: IntegrationParams,
      query: PageQuery.extend({ status: z.enum(RUN_STATUSES).optional(), type: z.enum(SYNC_TYPES).optional() }),
    },
    responses: { 200: pageResponse(RunView, "Newest first"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const filter = c.req.valid("query");
    const { rows, total } = await listRuns(getDb(c.env), integration.id, filter);
    return paginated(c, rows.map(toRunView), { page: filter.page, limit: filter.limit, total });
  },
);

const RunParams = z.object({
  runId: z
    .string()
    .regex(idPattern("run"), "must be a run id like run_01JD3W8Z5Q6Y7X8V9T0S1R2P3N")
    .openapi({ param: { name: "runId", in: "path" } }),
});

syncRoutes.openapi(
  createRoute({
    method: "get",
    path: "/runs/{runId}",
    tags,
    summary: "Get a run",
    description: "Status, timings, counters, and a sample of rejected records with reasons.",
    security: bearerSecurity,
    request: { params: RunParams },
    responses: { 200: dataResponse(RunView, "The run"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const { runId } = c.req.valid("param");
    return ok(c, toRunView(await visible(c, "run", runId, findRun(getDb(c.env), runId))));
  },
);
