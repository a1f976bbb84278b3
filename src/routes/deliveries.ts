import { createRoute, z } from "@hono/zod-openapi";
import { requireWriter } from "../auth/middleware.ts";
import { getDb } from "../db/client.ts";
import { DELIVERY_STATUSES } from "../db/schema.ts";
import { accepted, ok, paginated } from "../http/envelope.ts";
import { bearerSecurity, dataResponse, errorResponses, PageQuery, pageResponse } from "../openapi/schemas.ts";
import { attemptsOf, deliveryStats, findDelivery, listDeliveries } from "../outbound/deliveries.ts";
import { AttemptView, DeliveryParams, DeliveryView, toAttemptView, toDeliveryView } from "../outbound/delivery-view.ts";
import { redeliver, replaySince } from "../outbound/replay.ts";
import { SubscriptionParams } from "../outbound/subscriptions/schemas.ts";
import { findSubscription } from "../outbound/subscriptions/store.ts";
import { visible } from "./access.ts";
import { createRouter } from "./router.ts";

/** /api/subscriptions/{id}/deliveries|replay|stats and /api/deliveries/{id}[/redeliver]: the delivery log. */
export const deliveryRoutes = createRouter();
const tags = ["Outgoing webhooks"];

const subscriptionOf = (c: Parameters<typeof visible>[0], id: string) =>
  visible(c, "subscription", id, findSubscription(getDb(c.env), id));

deliveryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/subscriptions/{id}/deliveries",
    tags,
    summary: "A subscription's deliveries, newest first",
    security: bearerSecurity,
    request: { params: SubscriptionParams, query: PageQuery.extend({ status: z.enum(DELIVERY_STATUSES).optional() }) },
    responses: { 200: pageResponse(DeliveryView, "Newest first"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const subscription = await subscriptionOf(c, c.req.valid("param").id);
    const filter = c.req.valid("query");
    const { rows, total } = await listDeliveries(getDb(c.env), subscription.id, filter);
    return paginated(c, rows.map(toDeliveryView), { page: filter.page, limit: filter.limit, total });
  },
);

const Stats = z
  .object({
    succeeded: z.number().int(),
    pending: z.number().int(),
    failing: z.number().int().openapi({ description: "Pending deliveries that failed at least once" }),
    held: z.number().int().openapi({ description: "Kept while the subscription is disabled; replay them" }),
    exhausted: z.number().int(),
  })
  .openapi("DeliveryStats");

deliveryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/subscriptions/{id}/stats",
    tags,
    summary: "A subscription's deliveries by outcome",
    security: bearerSecurity,
    request: { params: SubscriptionParams },
    responses: { 200: dataResponse(Stats, "Counts"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const subscription = await subscriptionOf(c, c.req.valid("param").id);
    return ok(c, await deliveryStats(getDb(c.env), subscription.id));
  },
);

const ReplayBody = z
  .object({
    since: z.iso
      .datetime({ offset: true })
      .openapi({ description: "Deliveries created at or after this time", example: "2026-12-01T00:00:00Z" }),
  })
  .strict()
  .openapi("ReplayDeliveries");

deliveryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/subscriptions/{id}/replay",
    tags,
    summary: "Deliver again everything held or exhausted since a time",
    description:
      "For a subscription enabled again: the deliveries held while it was disabled, and those whose retries ran out, are queued once more, oldest first, at most 500 per call (`more` says to call again). Succeeded deliveries are not sent again.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: {
      params: SubscriptionParams,
      body: { content: { "application/json": { schema: ReplayBody } }, required: true },
    },
    responses: {
      202: dataResponse(z.object({ queued: z.number().int(), more: z.boolean() }), "Queued"),
      ...errorResponses(400, 401, 403, 404, 409, 500),
    },
  }),
  async (c) => {
    const subscription = await subscriptionOf(c, c.req.valid("param").id);
    const { since } = c.req.valid("json");
    return accepted(c, await replaySince(c.env, getDb(c.env), subscription, new Date(since)));
  },
);

deliveryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/deliveries/{deliveryId}",
    tags,
    summary: "One delivery with its attempts",
    security: bearerSecurity,
    request: { params: DeliveryParams },
    responses: {
      200: dataResponse(
        DeliveryView.extend({ attemptLog: z.array(AttemptView) }).openapi("DeliveryDetail"),
        "The delivery",
      ),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const { deliveryId } = c.req.valid("param");
    const db = getDb(c.env);
    const delivery = await visible(c, "delivery", deliveryId, findDelivery(db, deliveryId));
    const attempts = await attemptsOf(db, delivery.id);
    return ok(c, { ...toDeliveryView(delivery), attemptLog: attempts.map(toAttemptView) });
  },
);

deliveryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/deliveries/{deliveryId}/redeliver",
    tags,
    summary: "Attempt one delivery again now",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: DeliveryParams },
    responses: { 202: dataResponse(DeliveryView, "Queued"), ...errorResponses(400, 401, 403, 404, 409, 500) },
  }),
  async (c) => {
    const { deliveryId } = c.req.valid("param");
    const db = getDb(c.env);
    const delivery = await visible(c, "delivery", deliveryId, findDelivery(db, deliveryId));
    const subscription = await subscriptionOf(c, delivery.subscriptionId);
    return accepted(c, toDeliveryView(await redeliver(c.env, db, delivery, subscription)));
  },
);
