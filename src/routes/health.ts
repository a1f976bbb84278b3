import { createRoute, z } from "@hono/zod-openapi";
import { loadConfig } from "../config.ts";
import { createRouter } from "./router.ts";

/** GET /health: liveness for load balancers and deploy checks. No auth, no I/O. */
export const healthRoutes = createRouter();

const Health = z
  .object({
    status: z.enum(["ok", "misconfigured"]),
    service: z.literal("integration-gateway"),
    version: z.string(),
    timestamp: z.iso.datetime(),
    problems: z.array(z.string()).optional().openapi({ description: "Configuration problems (names, never values)" }),
  })
  .openapi("Health");

export const VERSION = "0.1.0";

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/health",
    tags: ["System"],
    summary: "Liveness",
    description: "200 when the gateway runs and its configuration is valid; 503 lists what to fix.",
    responses: {
      200: { description: "Healthy", content: { "application/json": { schema: Health } } },
      503: { description: "Misconfigured", content: { "application/json": { schema: Health } } },
    },
  }),
  async (c) => {
    const config = await loadConfig(c.env);
    const base = { service: "integration-gateway" as const, version: VERSION, timestamp: new Date().toISOString() };
    if (config.ok) return c.json({ status: "ok" as const, ...base }, 200);
    return c.json({ status: "misconfigured" as const, ...base, problems: config.problems }, 503);
  },
);
