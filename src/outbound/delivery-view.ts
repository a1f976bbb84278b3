import { z } from "@hono/zod-openapi";
import { idPattern } from "../db/ids.ts";
import {
  ATTEMPT_ERRORS,
  ATTEMPT_TRIGGERS,
  DELIVERY_STATUSES,
  type DeliveryAttemptRow,
  type DeliveryRow,
} from "../db/schema.ts";

export const DeliveryParams = z.object({
  deliveryId: z
    .string()
    .regex(idPattern("dlv"), "must be a delivery id like dlv_01JD3W8Z5Q6Y7X8V9T0S1R2P3N")
    .openapi({ param: { name: "deliveryId", in: "path" } }),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const DeliveryView = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventId: z.string().openapi({ description: "Also the `webhook-id` of every attempt" }),
    eventType: z.string(),
    integrationId: z.string().nullable(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    succeededAt: z.iso.datetime().nullable(),
  })
  .openapi("Delivery");

export const AttemptView = z
  .object({
    at: z.iso.datetime(),
    trigger: z.enum(ATTEMPT_TRIGGERS),
    statusCode: z.number().int().nullable(),
    errorClass: z.enum(ATTEMPT_ERRORS).nullable(),
    error: z.string().nullable(),
    latencyMs: z.number().int(),
    responseBody: z.string().nullable().openapi({ description: "The first KiB of the answer" }),
  })
  .openapi("DeliveryAttempt");

export function toDeliveryView(row: DeliveryRow): z.infer<typeof DeliveryView> {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.eventType,
    integrationId: row.integrationId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt),
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    succeededAt: iso(row.succeededAt),
  };
}

export function toAttemptView(row: DeliveryAttemptRow): z.infer<typeof AttemptView> {
  return {
    at: row.at.toISOString(),
    trigger: row.trigger,
    statusCode: row.statusCode,
    errorClass: row.errorClass,
    error: row.error,
    latencyMs: row.latencyMs,
    responseBody: row.responseBody,
  };
}
