import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware.ts";
import { ok } from "../http/envelope.ts";
import { optionalJsonBody } from "../http/optional-body.ts";
import { ReencryptBody, ReencryptResult, reencryptCredentials } from "../integrations/reencrypt.ts";
import { systemHealth } from "../observability/health.ts";
import { AUTH_ERRORS, bearerSecurity, dataResponse, errorResponses } from "../openapi/schemas.ts";
import { createRouter, depsOf } from "./router.ts";

/** /api/integrations/system: operator endpoints (admin only). */
export const systemRoutes = createRouter();
const tags = ["System"];

const Check = z.object({
  status: z.enum(["ok", "error"]),
  latencyMs: z.number(),
  message: z.string().optional(),
});
const SystemHealth = z
  .object({
    status: z.enum(["healthy", "unhealthy"]),
    checks: z.object({ database: Check, durableObjects: Check, queues: Check, config: Check }),
  })
  .openapi("SystemHealth");

systemRoutes.openapi(
  createRoute({
    method: "get",
    path: "/health",
    tags,
    summary: "Detailed system health",
    description: "D1, Durable Objects, queue bindings and configuration, each with status and latency.",
    security: bearerSecurity,
    middleware: [requireRole("admin")] as const,
    responses: { 200: dataResponse(SystemHealth, "Health of each dependency"), ...errorResponses(...AUTH_ERRORS) },
  }),
  async (c) => ok(c, await systemHealth(c.env)),
);

systemRoutes.openapi(
  createRoute({
    method: "post",
    path: "/reencrypt-credentials",
    tags,
    summary: "Re-encrypt credentials under the current key",
    description:
      "After rotating ENCRYPTION_KEY (old key in ENCRYPTION_KEY_PREVIOUS), call repeatedly, passing `after: next`, until `next` is null.",
    security: bearerSecurity,
    middleware: [requireRole("admin"), optionalJsonBody()] as const,
    request: { body: { content: { "application/json": { schema: ReencryptBody } } } },
    responses: { 200: dataResponse(ReencryptResult, "What this batch did"), ...errorResponses(400, ...AUTH_ERRORS) },
  }),
  async (c) => ok(c, await reencryptCredentials(depsOf(c), c.req.valid("json"))),
);
