import { createRoute, z } from "@hono/zod-openapi";
import { actorFromContext, recordAudit } from "../audit/record.ts";
import { requireWriter } from "../auth/middleware.ts";
import { connectorOf } from "../connectors/index.ts";
import { getDb } from "../db/client.ts";
import { ORDER_STATUSES } from "../db/schema.ts";
import { accepted, ok, paginated } from "../http/envelope.ts";
import { AppError } from "../http/errors.ts";
import { IntegrationParams } from "../integrations/schemas.ts";
import { bearerSecurity, dataResponse, errorResponses, PageQuery, pageResponse } from "../openapi/schemas.ts";
import { OrderBody, OrderParams, OrderView, toOrderView } from "../orders/schemas.ts";
import { acceptOrder, findOrder, listOrders } from "../orders/store.ts";
import { visible, visibleIntegration } from "./access.ts";
import { createRouter } from "./router.ts";

/** /api/integrations/{id}/orders and /api/orders/{orderId}: platform orders into the ERP. */
export const orderRoutes = createRouter();
const tags = ["Orders"];

const Accepted = z
  .object({
    duplicate: z.boolean().openapi({ description: "This order number was already known: nothing new was written" }),
    order: OrderView,
  })
  .openapi("OrderAccepted");

orderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/integrations/{id}/orders",
    tags,
    summary: "Send an order to the ERP",
    description:
      "Queues the platform's order for export into the merchant's ERP, exactly once per order number: the same number again returns the first order (`duplicate`); a failed one is queued again.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: {
      params: IntegrationParams,
      body: { content: { "application/json": { schema: OrderBody } }, required: true },
    },
    responses: {
      202: dataResponse(Accepted, "Queued, or already known"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500, 503),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    if (!connectorOf(integration.connector).supportedOperations.includes("orders")) {
      throw AppError.validation([
        { field: "id", message: `the ${integration.connector} connector cannot write orders into the ERP` },
      ]);
    }
    const db = getDb(c.env);
    const { order, duplicate } = await acceptOrder(c.env, db, integration, c.req.valid("json"));
    if (!duplicate) {
      await recordAudit(db, actorFromContext(c), {
        action: "order.received",
        outcome: "success",
        merchantId: integration.merchantId,
        target: { type: "order", id: order.id },
        details: { orderNumber: order.orderNumber, integrationId: integration.id },
      });
    }
    return accepted(c, { duplicate, order: toOrderView(order) });
  },
);

orderRoutes.openapi(
  createRoute({
    method: "get",
    path: "/integrations/{id}/orders",
    tags,
    summary: "List an integration's orders",
    security: bearerSecurity,
    request: { params: IntegrationParams, query: PageQuery.extend({ status: z.enum(ORDER_STATUSES).optional() }) },
    responses: { 200: pageResponse(OrderView, "Newest first"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const filter = c.req.valid("query");
    const { rows, total } = await listOrders(getDb(c.env), integration.id, filter);
    return paginated(c, rows.map(toOrderView), { page: filter.page, limit: filter.limit, total });
  },
);

orderRoutes.openapi(
  createRoute({
    method: "get",
    path: "/orders/{orderId}",
    tags,
    summary: "Get an order's export",
    description:
      "Its status (queued, exported with the ERP's order id, or failed with the reason) and the order itself.",
    security: bearerSecurity,
    request: { params: OrderParams },
    responses: { 200: dataResponse(OrderView, "The order"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const { orderId } = c.req.valid("param");
    return ok(c, toOrderView(await visible(c, "order", orderId, findOrder(getDb(c.env), orderId))));
  },
);
