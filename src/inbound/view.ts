import { z } from "@hono/zod-openapi";
import { idPattern } from "../db/ids.ts";
import { WEBHOOK_EVENT_STATUSES, type WebhookEventRow, type WebhookRefusalRow } from "../db/schema.ts";
import { REFUSAL_CAUSES } from "./refusals.ts";

export const EventParams = z.object({
  eventId: z
    .string()
    .regex(idPattern("wev"), "must be an event id like wev_01JD3W8Z5Q6Y7X8V9T0S1R2P3N")
    .openapi({ param: { name: "eventId", in: "path" } }),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const EventView = z
  .object({
    id: z.string(),
    integrationId: z.string(),
    externalId: z
      .string()
      .openapi({ description: "The sender's event id, or sha256:<hash of the body> when it gave none" }),
    type: z.string().openapi({ example: "inventory.changed" }),
    status: z.enum(WEBHOOK_EVENT_STATUSES),
    version: z
      .number()
      .openapi({ description: "The sender's sequence, or its change time in ms: the order of changes per item" }),
    outcome: z.record(z.string(), z.unknown()).nullable().openapi({
      description:
        "Items: counts of pushed, unchanged, stale and rejected, with the rejections; orders: the order it became",
    }),
    error: z.string().nullable(),
    attempts: z.number().int(),
    duplicates: z
      .number()
      .int()
      .openapi({ description: "Deliveries of the same event after the first, not processed again" }),
    receivedAt: z.iso.datetime(),
    processedAt: z.iso.datetime().nullable(),
    lastDuplicateAt: z.iso.datetime().nullable(),
  })
  .openapi("WebhookEvent");

export const EventDetail = EventView.extend({
  payload: z.unknown().openapi({ description: "The verified body as received" }),
}).openapi("WebhookEventDetail");

export function toEventView(row: WebhookEventRow): z.infer<typeof EventView> {
  return {
    id: row.id,
    integrationId: row.integrationId,
    externalId: row.externalId,
    type: row.type,
    status: row.status,
    version: row.version,
    outcome: row.outcome ?? null,
    error: row.error,
    attempts: row.attempts,
    duplicates: row.duplicates,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: iso(row.processedAt),
    lastDuplicateAt: iso(row.lastDuplicateAt),
  };
}

export const RefusalView = z
  .object({
    cause: z.enum(REFUSAL_CAUSES),
    count: z.number().int().openapi({ description: "Refusals of this cause in this hour" }),
    hour: z.iso.datetime(),
    firstAt: z.iso.datetime(),
    lastAt: z.iso.datetime(),
    message: z.string().openapi({ description: "What the sender has to fix (the last refusal's)" }),
  })
  .openapi("WebhookRefusal");

export function toRefusalView(row: WebhookRefusalRow): z.infer<typeof RefusalView> {
  return {
    cause: row.cause as z.infer<typeof RefusalView>["cause"],
    count: row.count,
    hour: new Date(row.hour).toISOString(),
    firstAt: row.firstAt.toISOString(),
    lastAt: row.lastAt.toISOString(),
    message: row.message,
  };
}
