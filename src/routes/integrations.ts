import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { forbid, requireWriter } from "../auth/middleware.ts";
import { canSee, merchantScope } from "../auth/principal.ts";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { findHealth } from "../health/store.ts";
import { HealthView, toHealthView } from "../health/view.ts";
import { created, ok, paginated } from "../http/envelope.ts";
import { AppError } from "../http/errors.ts";
import { createIntegration, deleteIntegration, updateIntegration } from "../integrations/lifecycle.ts";
import {
  CreateIntegrationBody,
  IntegrationParams,
  IntegrationSaved,
  IntegrationView,
  ListIntegrationsQuery,
  UpdateIntegrationBody,
} from "../integrations/schemas.ts";
import { listIntegrations } from "../integrations/store.ts";
import { toView } from "../integrations/view.ts";
import { bearerSecurity, dataResponse, errorResponses, pageResponse } from "../openapi/schemas.ts";
import { visibleIntegration } from "./access.ts";
import { createRouter, depsOf } from "./router.ts";

/** /api/integrations: CRUD, scoped to the caller's merchant. */
export const integrationRoutes = createRouter();
const tags = ["Integrations"];
const IntegrationDetail = IntegrationView.extend({ health: HealthView.nullable() }).openapi("IntegrationDetail");
const json = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });

integrationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List integrations",
    description: "Newest first. Merchants and merchant viewers see only their own merchant's.",
    security: bearerSecurity,
    request: { query: ListIntegrationsQuery },
    responses: { 200: pageResponse(IntegrationView, "A page of integrations"), ...errorResponses(400, 401, 403, 500) },
  }),
  async (c) => {
    const filter = c.req.valid("query");
    const principal = c.get("principal");
    if (filter.merchantId && !canSee(principal, filter.merchantId)) {
      await forbid(c, "a merchant token can only list its own merchant's integrations");
    }
    const { rows, total } = await listIntegrations(getDb(c.env), filter, merchantScope(principal));
    return paginated(c, rows.map(toView), { page: filter.page, limit: filter.limit, total });
  },
);

integrationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create an integration",
    description: "Credentials are validated for the connector, encrypted, and never returned.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { body: json(CreateIntegrationBody) },
    responses: { 201: dataResponse(IntegrationSaved, "Created"), ...errorResponses(400, 401, 403, 409, 413, 415, 500) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const merchantId = await ownerFor(c, input.merchantId);
    const { row, warnings, webhookSecret } = await createIntegration(depsOf(c), merchantId, input);
    c.header("Location", `/api/integrations/${row.id}`);
    return created(c, { ...toView(row), warnings, webhookSecret });
  },
);

integrationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Get an integration",
    description: "With `health`: the last scheduled health check (null until the cron has seen the integration).",
    security: bearerSecurity,
    request: { params: IntegrationParams },
    responses: {
      200: dataResponse(IntegrationDetail, "The integration"),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const row = await visibleIntegration(c, c.req.valid("param").id);
    const health = await findHealth(getDb(c.env), row.id);
    return ok(c, { ...toView(row), health: health ? toHealthView(health) : null });
  },
);

integrationRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Change an integration",
    description: "`settings` and `credentials` are merged into the stored ones (`null` removes a field).",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: IntegrationParams, body: json(UpdateIntegrationBody) },
    responses: {
      200: dataResponse(IntegrationSaved, "The changed integration"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
    },
  }),
  async (c) => {
    const current = await visibleIntegration(c, c.req.valid("param").id);
    const { row, warnings } = await updateIntegration(depsOf(c), current, c.req.valid("json"));
    return ok(c, { ...toView(row), warnings });
  },
);

integrationRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Delete an integration",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: IntegrationParams },
    responses: {
      200: dataResponse(IntegrationView, "The deleted integration"),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const row = await visibleIntegration(c, c.req.valid("param").id);
    await deleteIntegration(depsOf(c), row);
    return ok(c, toView(row));
  },
);

/** Admins name the merchant; merchants create for themselves only. */
async function ownerFor(c: Context<AppEnv>, requested: string | undefined): Promise<string> {
  const principal = c.get("principal");
  if (principal.merchantId === null) {
    if (!requested)
      throw AppError.validation([{ field: "merchantId", message: "is required when an admin creates an integration" }]);
    return requested;
  }
  if (requested && requested !== principal.merchantId) {
    return forbid(c, "a merchant token can only create integrations for its own merchant");
  }
  return principal.merchantId;
}
