import { createRoute, z } from "@hono/zod-openapi";
import { actorFromContext, recordAudit } from "../audit/record.ts";
import { requireWriter } from "../auth/middleware.ts";
import { getDb } from "../db/client.ts";
import { SYNC_TYPES, uploads } from "../db/schema.ts";
import { decodedBody } from "../http/content-encoding.ts";
import { accepted } from "../http/envelope.ts";
import { AppError } from "../http/errors.ts";
import { IntegrationParams } from "../integrations/schemas.ts";
import { bearerSecurity, dataResponse, errorResponses } from "../openapi/schemas.ts";
import { findActiveRun, startedOrLimited, startRun } from "../sync/runs.ts";
import { cleanUpSource } from "../sync/sources.ts";
import { RunView, toRunView } from "../sync/view.ts";
import { newUploadId, uploadSource } from "../uploads/ids.ts";
import { storeUploadChunks } from "../uploads/store.ts";
import { visibleIntegration } from "./access.ts";
import { createRouter } from "./router.ts";

/** POST /api/integrations/{id}/upload: a CSV file streamed into storage, then synced like any run. */
export const uploadRoutes = createRouter();

const CSV_TYPES = ["text/csv", "application/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel"];

const Uploaded = z
  .object({ runId: z.string(), uploadId: z.string(), bytes: z.number().int(), run: RunView })
  .openapi("UploadStarted");

uploadRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/upload",
    tags: ["Sync"],
    summary: "Upload a CSV and sync it",
    description:
      "For `csv` integrations. The body is the raw file (`Content-Type: text/csv`), optionally with `Content-Encoding: gzip`, streamed to storage in chunks rather than held in memory (limit MAX_UPLOAD_BYTES, on the decompressed file), then synced page by page with the integration's settings and mapping.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: {
      params: IntegrationParams,
      query: z.object({
        type: z.enum(SYNC_TYPES).default("full"),
        force: z
          .enum(["true", "false"])
          .default("false")
          .transform((v) => v === "true"),
      }),
      body: { content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } }, required: true },
    },
    responses: {
      202: dataResponse(Uploaded, "Stored and queued"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500, 503),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const { type, force } = c.req.valid("query");
    if (integration.connector !== "csv") {
      throw AppError.validation([
        { field: "id", message: `uploads are for csv integrations; this one uses ${integration.connector}` },
      ]);
    }
    const contentType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!CSV_TYPES.includes(contentType)) {
      throw new AppError(
        "UNSUPPORTED_MEDIA_TYPE",
        `Send the file with Content-Type: text/csv (got '${contentType || "none"}')`,
      );
    }
    const { maxUploadBytes } = c.get("config");
    if (Number(c.req.header("content-length") ?? 0) > maxUploadBytes) {
      throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than MAX_UPLOAD_BYTES (${maxUploadBytes} bytes)`);
    }
    const raw = c.req.raw.body;
    if (!raw)
      throw AppError.validation([{ field: "body", message: "is empty; send the CSV file as the request body" }]);
    const body = decodedBody(raw, c.req.header("content-encoding"), maxUploadBytes);

    const db = getDb(c.env);
    // An upload cannot coalesce with a run that reads another source: refuse instead.
    if (await findActiveRun(db, integration.id, type)) {
      throw new AppError("CONFLICT", `A ${type} run of this integration is active; upload again when it has finished`);
    }
    const uploadId = newUploadId();
    const source = uploadSource(uploadId);
    const stored = await storeUploadChunks(c.env.DB, uploadId, body, maxUploadBytes);
    // The runtime hands an empty body over as an empty stream, not as null.
    if (stored.bytes === 0) {
      await cleanUpSource(c.env, { source });
      throw AppError.validation([{ field: "body", message: "is empty; send the CSV file as the request body" }]);
    }
    await db.insert(uploads).values({
      id: uploadId,
      integrationId: integration.id,
      merchantId: integration.merchantId,
      ...stored,
      createdAt: new Date(),
    });
    let started: ReturnType<typeof startedOrLimited>;
    try {
      const outcome = await startRun(c.env, db, integration, { type, trigger: "upload", force, source });
      started = startedOrLimited(outcome, integration.merchantId);
    } catch (error) {
      await cleanUpSource(c.env, { source }); // no run will ever read it
      throw error;
    }
    const { run, coalesced } = started;
    if (coalesced) {
      await cleanUpSource(c.env, { source });
      throw new AppError(
        "CONFLICT",
        `A ${type} run of this integration started meanwhile; upload again when it has finished`,
      );
    }
    await recordAudit(db, actorFromContext(c), {
      action: "sync.triggered",
      outcome: "success",
      merchantId: integration.merchantId,
      target: { type: "integration", id: integration.id },
      details: { runId: run.id, type, trigger: "upload", bytes: stored.bytes },
    });
    return accepted(c, { runId: run.id, uploadId, bytes: stored.bytes, run: toRunView(run) });
  },
);
