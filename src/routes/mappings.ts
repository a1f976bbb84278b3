import { createRoute, z } from "@hono/zod-openapi";
import { forbid, requireWriter } from "../auth/middleware.ts";
import { canWrite } from "../auth/principal.ts";
import { ok } from "../http/envelope.ts";
import { AppError } from "../http/errors.ts";
import { optionalJsonBody } from "../http/optional-body.ts";
import { IntegrationParams } from "../integrations/schemas.ts";
import { PreviewBody, PreviewResult, previewMapping } from "../mapping/preview.ts";
import { MappingDocument } from "../mapping/schema.ts";
import { effectiveMapping, saveMapping } from "../mapping/store.ts";
import { assertValidMapping, validateMapping } from "../mapping/validate.ts";
import { bearerSecurity, dataResponse, errorResponses } from "../openapi/schemas.ts";
import { visibleIntegration } from "./access.ts";
import { createRouter, depsOf } from "./router.ts";

/** /api/integrations/{id}/mappings: the integration's data mapping, and a dry run of it. */
export const mappingRoutes = createRouter();
const tags = ["Mappings"];

const MappingState = z
  .object({
    mapping: MappingDocument,
    isDefault: z.boolean().openapi({ description: "True while no mapping is saved: the connector's default applies" }),
  })
  .openapi("MappingState");

mappingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/mappings",
    tags,
    summary: "Get the mapping in force",
    security: bearerSecurity,
    request: { params: IntegrationParams },
    responses: {
      200: dataResponse(MappingState, "The saved mapping, or the connector's default"),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => ok(c, effectiveMapping(await visibleIntegration(c, c.req.valid("param").id))),
);

mappingRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{id}/mappings",
    tags,
    summary: "Save a mapping",
    description:
      "Validated before saving: unknown transformations, target fields or lookup tables are a 400 naming the rule.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: {
      params: IntegrationParams,
      body: { content: { "application/json": { schema: MappingDocument } }, required: true },
    },
    responses: { 200: dataResponse(MappingState, "Saved"), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const mapping = c.req.valid("json");
    assertValidMapping(mapping);
    const { db, actor } = depsOf(c);
    await saveMapping(db, actor, integration, mapping);
    return ok(c, { mapping, isDefault: false });
  },
);

mappingRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}/mappings",
    tags,
    summary: "Go back to the connector's default mapping",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: IntegrationParams },
    responses: {
      200: dataResponse(MappingState, "The default now in force"),
      ...errorResponses(400, 401, 403, 404, 409, 500),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const { db, actor } = depsOf(c);
    await saveMapping(db, actor, integration, null);
    return ok(c, effectiveMapping({ ...integration, mapping: null }));
  },
);

mappingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/mappings/preview",
    tags,
    summary: "Preview a mapping",
    description:
      "Applies a mapping (given, or the one in force) to sample rows (given, or read from the connector): what would be pushed and what rejected. Nothing is pushed or saved. Every role may preview given rows; reading rows from the merchant's system needs admin or merchant, and runs under the integration's interactive budget (`interactiveRateLimitRequests`), never the syncs' — a used-up budget answers 429 with Retry-After.",
    security: bearerSecurity,
    middleware: [optionalJsonBody()] as const,
    request: { params: IntegrationParams, body: { content: { "application/json": { schema: PreviewBody } } } },
    responses: {
      200: dataResponse(PreviewResult, "The dry run"),
      ...errorResponses(400, 401, 403, 404, 415, 429, 500, 502, 503),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    // Given rows cost the merchant's system nothing; reading them from it spends its budget.
    if (!body.rows && !canWrite(c.get("principal"))) {
      await forbid(
        c,
        "reading sample rows from the merchant's system needs role admin or merchant; send sample `rows` in the body, or use a writer token",
      );
    }
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    // Name the bad rule by its place in this request body: `mapping.mappings.3.transformation`.
    const issues = body.mapping ? validateMapping(body.mapping) : [];
    if (issues.length > 0) throw AppError.validation(issues.map((i) => ({ ...i, field: `mapping.${i.field}` })));
    return ok(c, await previewMapping(c.env, c.get("config"), integration, body));
  },
);
