import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { forbid, requireWriter } from "../auth/middleware.ts";
import { canSee, merchantScope } from "../auth/principal.ts";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { created, ok, paginated } from "../http/envelope.ts";
import { AppError } from "../http/errors.ts";
import { optionalJsonBody } from "../http/optional-body.ts";
import { IntegrationParams } from "../integrations/schemas.ts";
import { bearerSecurity, dataResponse, errorResponses, pageResponse } from "../openapi/schemas.ts";
import {
  createSubscription,
  deleteSubscription,
  disableSubscription,
  enableSubscription,
  type NewSubscription,
  rotateSubscriptionSecret,
  updateSubscription,
} from "../outbound/subscriptions/lifecycle.ts";
import {
  CreateSubscriptionBody,
  ListSubscriptionsQuery,
  RegisterSubscriptionBody,
  RotateSubscriptionSecretBody,
  SubscriptionDetail,
  SubscriptionParams,
  SubscriptionView,
  SubscriptionWithSecret,
  toSubscriptionView,
  UpdateSubscriptionBody,
} from "../outbound/subscriptions/schemas.ts";
import { subscriptionSecretsInForce } from "../outbound/subscriptions/secrets.ts";
import { findSubscription, listSubscriptions } from "../outbound/subscriptions/store.ts";
import { visible, visibleIntegration } from "./access.ts";
import { createRouter, depsOf } from "./router.ts";

/** /api/subscriptions and the seed's /api/integrations/{id}/webhook/register: where outgoing webhooks go. */
export const subscriptionRoutes = createRouter();
const tags = ["Outgoing webhooks"];
const json = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });

const visibleSubscription = (c: Context<AppEnv>, id: string) =>
  visible(c, "subscription", id, findSubscription(getDb(c.env), id));

/** The answer of a create: the secret, this once, and where the subscription lives. */
async function createAndAnswer(c: Context<AppEnv>, input: NewSubscription) {
  const { row, secret } = await createSubscription(depsOf(c), input);
  c.header("Location", `/api/subscriptions/${row.id}`);
  return created(c, { ...toSubscriptionView(row), secret });
}

subscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/integrations/{id}/webhook/register",
    tags,
    summary: "Subscribe to an integration's events (the seed's register call)",
    description: "The same as POST /api/subscriptions with this `integrationId`. The secret is shown once, here.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: IntegrationParams, body: json(RegisterSubscriptionBody) },
    responses: {
      201: dataResponse(SubscriptionWithSecret, "Created"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const body = c.req.valid("json");
    return createAndAnswer(c, { ...body, merchantId: integration.merchantId, integrationId: integration.id });
  },
);

subscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/subscriptions",
    tags,
    summary: "Subscribe to one integration's events, or every integration's of a merchant",
    description:
      "Admins name `merchantId` (or an `integrationId`, whose merchant it is); merchants subscribe for themselves. The secret is shown once, here.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { body: json(CreateSubscriptionBody) },
    responses: {
      201: dataResponse(SubscriptionWithSecret, "Created"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
    },
  }),
  async (c) => {
    const { merchantId: requested, integrationId, ...body } = c.req.valid("json");
    const principal = c.get("principal");
    if (requested && !canSee(principal, requested)) {
      await forbid(c, "a merchant token can only subscribe for its own merchant");
    }
    if (integrationId) {
      const integration = await visibleIntegration(c, integrationId);
      if (requested && requested !== integration.merchantId) {
        throw AppError.validation([{ field: "merchantId", message: `is not the merchant of ${integration.id}` }]);
      }
      return createAndAnswer(c, { ...body, merchantId: integration.merchantId, integrationId: integration.id });
    }
    const merchantId = requested ?? principal.merchantId;
    if (!merchantId) {
      throw AppError.validation([{ field: "merchantId", message: "is required when an admin subscribes" }]);
    }
    return createAndAnswer(c, { ...body, merchantId, integrationId: null });
  },
);

subscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/subscriptions",
    tags,
    summary: "List subscriptions",
    description: "Newest first. Merchants and merchant viewers see only their own merchant's.",
    security: bearerSecurity,
    request: { query: ListSubscriptionsQuery },
    responses: {
      200: pageResponse(SubscriptionView, "A page of subscriptions"),
      ...errorResponses(400, 401, 403, 500),
    },
  }),
  async (c) => {
    const filter = c.req.valid("query");
    const principal = c.get("principal");
    if (filter.merchantId && !canSee(principal, filter.merchantId)) {
      await forbid(c, "a merchant token can only list its own merchant's subscriptions");
    }
    const { rows, total } = await listSubscriptions(getDb(c.env), filter, merchantScope(principal));
    return paginated(c, rows.map(toSubscriptionView), { page: filter.page, limit: filter.limit, total });
  },
);

subscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/subscriptions/{id}",
    tags,
    summary: "Get a subscription, with the ids of the secrets that sign now",
    security: bearerSecurity,
    request: { params: SubscriptionParams },
    responses: {
      200: dataResponse(SubscriptionDetail, "The subscription"),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const row = await visibleSubscription(c, c.req.valid("param").id);
    const secrets = await subscriptionSecretsInForce(getDb(c.env), row.id, new Date());
    return ok(c, {
      ...toSubscriptionView(row),
      secrets: secrets.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        expiresAt: s.expiresAt ? s.expiresAt.toISOString() : null,
      })),
    });
  },
);

subscriptionRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/subscriptions/{id}",
    tags,
    summary: "Change a subscription's url, events or description",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: SubscriptionParams, body: json(UpdateSubscriptionBody) },
    responses: {
      200: dataResponse(SubscriptionView, "The changed subscription"),
      ...errorResponses(400, 401, 403, 404, 413, 415, 500),
    },
  }),
  async (c) => {
    const row = await visibleSubscription(c, c.req.valid("param").id);
    return ok(c, toSubscriptionView(await updateSubscription(depsOf(c), row, c.req.valid("json"))));
  },
);

subscriptionRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/subscriptions/{id}",
    tags,
    summary: "Delete a subscription, its secrets and its delivery log",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: SubscriptionParams },
    responses: {
      200: dataResponse(SubscriptionView, "The deleted subscription"),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const row = await visibleSubscription(c, c.req.valid("param").id);
    await deleteSubscription(depsOf(c), row);
    return ok(c, toSubscriptionView(row));
  },
);

for (const [verb, summary, act] of [
  [
    "enable",
    "Enable a subscription again (its URL is checked again; held deliveries wait for a replay)",
    enableSubscription,
  ],
  ["disable", "Disable a subscription: its events are held, not dropped, until it is enabled", disableSubscription],
] as const) {
  subscriptionRoutes.openapi(
    createRoute({
      method: "post",
      path: `/subscriptions/{id}/${verb}`,
      tags,
      summary,
      security: bearerSecurity,
      middleware: [requireWriter()] as const,
      request: { params: SubscriptionParams },
      responses: {
        200: dataResponse(SubscriptionView, "The subscription"),
        ...errorResponses(400, 401, 403, 404, 500),
      },
    }),
    async (c) => {
      const row = await visibleSubscription(c, c.req.valid("param").id);
      return ok(c, toSubscriptionView(await act(depsOf(c), row)));
    },
  );
}

subscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/subscriptions/{id}/rotate-secret",
    tags,
    summary: "Rotate a subscription's signing secret",
    description:
      "The new secret is in the answer, shown this once. The secrets in force until now keep signing for `overlapHours` (24 by default): deliveries carry a signature for each meanwhile.",
    security: bearerSecurity,
    middleware: [requireWriter(), optionalJsonBody()] as const,
    request: {
      params: SubscriptionParams,
      body: { content: { "application/json": { schema: RotateSubscriptionSecretBody } }, required: false },
    },
    responses: {
      200: dataResponse(
        z.object({ secret: z.string(), previousValidUntil: z.iso.datetime() }).openapi("RotatedSubscriptionSecret"),
        "The new secret",
      ),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const row = await visibleSubscription(c, c.req.valid("param").id);
    const rotated = await rotateSubscriptionSecret(depsOf(c), row, c.req.valid("json"));
    return ok(c, { secret: rotated.secret, previousValidUntil: rotated.previousValidUntil.toISOString() });
  },
);
