import { createRoute, z } from "@hono/zod-openapi";
import { requireWriter } from "../auth/middleware.ts";
import { getDb } from "../db/client.ts";
import { WEBHOOK_EVENT_STATUSES } from "../db/schema.ts";
import { accepted, ok, paginated } from "../http/envelope.ts";
import { optionalJsonBody } from "../http/optional-body.ts";
import { listRefusals, refusalCounts } from "../inbound/refusals.ts";
import { replayEvent } from "../inbound/replay.ts";
import { rotateSecret } from "../inbound/rotate.ts";
import { secretsInForce } from "../inbound/secrets.ts";
import { WEBHOOK_SCHEMES } from "../inbound/settings.ts";
import { webhookSettingsOf } from "../inbound/settings-of.ts";
import { findEvent, listEvents } from "../inbound/store.ts";
import { EventDetail, EventParams, EventView, RefusalView, toEventView, toRefusalView } from "../inbound/view.ts";
import { IntegrationParams } from "../integrations/schemas.ts";
import { bearerSecurity, dataResponse, errorResponses, PageQuery, pageResponse } from "../openapi/schemas.ts";
import { visible, visibleIntegration } from "./access.ts";
import { createRouter, depsOf } from "./router.ts";

/**
 * /api/integrations/{id}/events, /api/events/{eventId}[/replay] and /api/integrations/{id}/webhook[...]:
 * what incoming webhooks did, what was refused and why, and the webhook secret.
 */
export const eventRoutes = createRouter();
const tags = ["Incoming webhooks"];
const DAY_MS = 86_400_000;

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/integrations/{id}/events",
    tags,
    summary: "List an integration's incoming events",
    security: bearerSecurity,
    request: {
      params: IntegrationParams,
      query: PageQuery.extend({
        status: z.enum(WEBHOOK_EVENT_STATUSES).optional(),
        type: z.string().max(100).optional().openapi({ example: "inventory.changed" }),
      }),
    },
    responses: { 200: pageResponse(EventView, "Newest first"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const filter = c.req.valid("query");
    const { rows, total } = await listEvents(getDb(c.env), integration.id, filter);
    return paginated(c, rows.map(toEventView), { page: filter.page, limit: filter.limit, total });
  },
);

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/events/{eventId}",
    tags,
    summary: "Get an incoming event, with its payload and outcome",
    security: bearerSecurity,
    request: { params: EventParams },
    responses: { 200: dataResponse(EventDetail, "The event"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const { eventId } = c.req.valid("param");
    const event = await visible(c, "event", eventId, findEvent(getDb(c.env), eventId));
    return ok(c, { ...toEventView(event), payload: event.payload });
  },
);

eventRoutes.openapi(
  createRoute({
    method: "post",
    path: "/events/{eventId}/replay",
    tags,
    summary: "Apply an incoming event again",
    description:
      "Queues a processed, stale, rejected or failed event again, e.g. after fixing the mapping. Its items are claimed at the event's own version again, so a replay never overwrites a newer change.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: EventParams },
    responses: { 202: dataResponse(EventView, "Queued"), ...errorResponses(400, 401, 403, 404, 409, 500, 503) },
  }),
  async (c) => {
    const { eventId } = c.req.valid("param");
    const { db, actor } = depsOf(c);
    const event = await visible(c, "event", eventId, findEvent(db, eventId));
    return accepted(c, toEventView(await replayEvent(c.env, db, actor, event)));
  },
);

const WebhookView = z
  .object({
    url: z
      .string()
      .openapi({ description: "Where the sender delivers", example: "/webhooks/int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N" }),
    scheme: z.enum(WEBHOOK_SCHEMES),
    toleranceSeconds: z.number().int(),
    secrets: z
      .array(z.object({ id: z.string(), createdAt: z.iso.datetime(), expiresAt: z.iso.datetime().nullable() }))
      .openapi({
        description:
          "The secrets that verify now (never their values): the current one, and one in its overlap after a rotation",
      }),
    refusedLast24h: z
      .record(z.string(), z.number().int())
      .openapi({ description: "Refused deliveries per cause", example: { bad_signature: 3 } }),
  })
  .openapi("IncomingWebhook");

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/integrations/{id}/webhook",
    tags,
    summary: "How an integration's incoming webhooks are verified, and what was refused",
    security: bearerSecurity,
    request: { params: IntegrationParams },
    responses: { 200: dataResponse(WebhookView, "The endpoint"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const db = getDb(c.env);
    const now = new Date();
    const settings = webhookSettingsOf(integration);
    const [secrets, refused] = await Promise.all([
      secretsInForce(db, integration.id, now),
      refusalCounts(db, integration.id, new Date(now.getTime() - DAY_MS)),
    ]);
    return ok(c, {
      url: `/webhooks/${integration.id}`,
      scheme: settings.scheme,
      toleranceSeconds: settings.toleranceSeconds,
      secrets: secrets.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        expiresAt: s.expiresAt ? s.expiresAt.toISOString() : null,
      })),
      refusedLast24h: refused,
    });
  },
);

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/integrations/{id}/webhook/refusals",
    tags,
    summary: "Refused deliveries: cause, count per hour, when, and what to fix",
    description: "Never the body or a header's value. `days` looks back that far (default 7).",
    security: bearerSecurity,
    request: {
      params: IntegrationParams,
      query: z.object({
        days: z.coerce.number().int().min(1).max(90).default(7),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: { 200: dataResponse(z.array(RefusalView), "Newest first"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const { days, limit } = c.req.valid("query");
    const rows = await listRefusals(getDb(c.env), integration.id, new Date(Date.now() - days * DAY_MS), limit);
    return ok(c, rows.map(toRefusalView));
  },
);

const RotateBody = z
  .object({
    secret: z
      .string()
      .min(16, "must be at least 16 characters")
      .max(256)
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
      .optional()
      .openapi({
        description:
          "A secret the sender dictates (Shopify's app client secret, the one typed into WooCommerce); omitted, one is generated",
      }),
  })
  .strict()
  .openapi("RotateWebhookSecret");

eventRoutes.openapi(
  createRoute({
    method: "post",
    path: "/integrations/{id}/webhook/rotate-secret",
    tags,
    summary: "Rotate the webhook secret",
    description:
      "The new secret is in the answer, shown this once. The secrets in force until now keep verifying for `settings.webhook.secretOverlapHours` (24 h by default), so the sender can switch without a refused delivery.",
    security: bearerSecurity,
    middleware: [requireWriter(), optionalJsonBody()] as const,
    request: {
      params: IntegrationParams,
      body: { content: { "application/json": { schema: RotateBody } }, required: false },
    },
    responses: {
      200: dataResponse(
        z.object({ secret: z.string(), previousValidUntil: z.iso.datetime() }).openapi("RotatedWebhookSecret"),
        "The new secret",
      ),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const body = c.req.valid("json");
    const { db, config, actor } = depsOf(c);
    const rotated = await rotateSecret(config, db, actor, integration, body.secret);
    return ok(c, { secret: rotated.secret, previousValidUntil: rotated.previousValidUntil.toISOString() });
  },
);
