import { z } from "@hono/zod-openapi";
import type { IntegrationHealthRow } from "../db/schema.ts";

/** The last scheduled health check of an integration, as GET /api/integrations/{id} shows it. */
export const HealthView = z
  .object({
    status: z.enum(["ok", "error", "pending"]).openapi({ description: "`pending` until the first check has run" }),
    checkedAt: z.iso.datetime().nullable(),
    latencyMs: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The slowest call to the merchant's system in the check" }),
    durationMs: z.number().int().nullable(),
    message: z.string().nullable().openapi({ description: "The first failed capability, in the connector's words" }),
    consecutiveFailures: z.number().int(),
    nextCheckAt: z.iso.datetime(),
  })
  .openapi("IntegrationHealth");
export type HealthView = z.infer<typeof HealthView>;

export function toHealthView(row: IntegrationHealthRow): HealthView {
  return {
    status: row.status ?? "pending",
    checkedAt: row.checkedAt?.toISOString() ?? null,
    latencyMs: row.latencyMs,
    durationMs: row.durationMs,
    message: row.message,
    consecutiveFailures: row.consecutiveFailures,
    nextCheckAt: row.nextCheckAt.toISOString(),
  };
}
