import { z } from "@hono/zod-openapi";

/**
 * The guard's settings of an integration: its circuit breaker, the two budgets of calls to the
 * merchant's system, and how long webhook ids are remembered. Every connector's settings
 * include these (src/connectors/settings.ts composes them); guardConfig() reads them.
 */
export const guardSettings = z.object({
  circuitFailureThreshold: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(3)
    .openapi({ description: "Consecutive failures of the ERP (or the platform) that open the circuit" }),
  circuitCooldownSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(30)
    .openapi({ description: "Wait before the first probe; doubles with each re-open" }),
  circuitMaxCooldownSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(1800)
    .openapi({ description: "Cap of that wait" }),
  rateLimitRequests: z.number().int().min(1).max(10_000).default(10).openapi({
    description:
      "Calls of syncs and order exports to the merchant's system allowed per `rateLimitPer` (previews and connection tests have their own budget, below)",
  }),
  rateLimitPer: z.enum(["second", "minute"]).default("second"),
  interactiveRateLimitRequests: z.number().int().min(1).max(1000).default(20).openapi({
    description:
      "Calls of mapping previews and connection tests allowed per `interactiveRateLimitPer`: a budget of their own, so they never slow syncs or orders; the merchant's system sees at most both budgets together",
  }),
  interactiveRateLimitPer: z.enum(["second", "minute"]).default("minute"),
  webhookDedupeHours: z
    .number()
    .int()
    .min(72)
    .max(720)
    .default(72)
    .openapi({ description: "How long webhook event ids are remembered to drop duplicates" }),
});
