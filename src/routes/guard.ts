import { createRoute, z } from "@hono/zod-openapi";
import { actorFromContext, recordAudit } from "../audit/record.ts";
import { requireWriter } from "../auth/middleware.ts";
import { CAPABILITIES } from "../connectors/definition.ts";
import { connectorFor } from "../connectors/instance.ts";
import { getDb } from "../db/client.ts";
import { guardOf } from "../guard/client.ts";
import { guardConfig } from "../guard/config.ts";
import { recordCircuitTransition } from "../guard/events.ts";
import { GuardView, toGuardView } from "../guard/view.ts";
import { ok } from "../http/envelope.ts";
import { IntegrationParams } from "../integrations/schemas.ts";
import { bearerSecurity, dataResponse, errorResponses } from "../openapi/schemas.ts";
import { visibleIntegration } from "./access.ts";
import { createRouter } from "./router.ts";

/** /api/integrations/{id}/test-connection and /circuit: the guard of an integration, seen and used. */
export const guardRoutes = createRouter();
const tags = ["Guard"];

const Capabilities = z
  .object({
    ok: z.boolean(),
    checks: z.array(
      z.object({
        capability: z.enum(CAPABILITIES),
        status: z.enum(["ok", "failed", "unsupported"]),
        message: z.string().optional(),
      }),
    ),
  })
  .openapi("CapabilityReport");

guardRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/test-connection",
    tags,
    summary: "Test the connection",
    description:
      "Asks the merchant's system what works with the stored credentials (login, read items, stock, prices, write orders) — under the integration's interactive budget (`interactiveRateLimitRequests`), never the syncs' — and shows the guard's state, an open circuit included. A used-up budget answers 429 with Retry-After.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: IntegrationParams },
    responses: {
      200: dataResponse(z.object({ report: Capabilities, guard: GuardView }), "The capability report and the guard"),
      ...errorResponses(400, 401, 403, 404, 429, 500),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const connector = await connectorFor(c.env, c.get("config"), integration, { budget: "interactive" });
    const report = await connector.testConnection();
    const status = await guardOf(c.env, integration.id).status(guardConfig(integration));
    return ok(c, { report, guard: toGuardView(status) });
  },
);

guardRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/circuit",
    tags,
    summary: "The circuit breaker and rate limit",
    description:
      "State, consecutive failures, when it opened and will next probe, both rate-limit budgets (syncs and orders; previews and connection tests) and any pause, the sync leases held.",
    security: bearerSecurity,
    request: { params: IntegrationParams },
    responses: { 200: dataResponse(GuardView, "The guard's state"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    return ok(c, toGuardView(await guardOf(c.env, integration.id).status(guardConfig(integration))));
  },
);

guardRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/circuit/reset",
    tags,
    summary: "Close the circuit",
    description:
      "For when the merchant's system is known to be back: closes the circuit and lifts any Retry-After pause. Audited.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: IntegrationParams },
    responses: {
      200: dataResponse(GuardView, "The guard after the reset"),
      ...errorResponses(400, 401, 403, 404, 500),
    },
  }),
  async (c) => {
    const integration = await visibleIntegration(c, c.req.valid("param").id);
    const config = guardConfig(integration);
    const guard = guardOf(c.env, integration.id);
    const { wasOpen, circuit } = await guard.reset(config);
    const actor = actorFromContext(c);
    if (wasOpen) await recordCircuitTransition(c.env, config, "closed", circuit, actor);
    await recordAudit(getDb(c.env), actor, {
      action: "integration.circuit_reset",
      outcome: "success",
      merchantId: integration.merchantId,
      target: { type: "integration", id: integration.id },
      details: { wasOpen },
    });
    return ok(c, toGuardView(await guard.status(config)));
  },
);
