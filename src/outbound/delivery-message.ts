import { z } from "zod";

/** One attempt series of a delivery (an event to a subscription). */
export const DeliveryMessage = z.object({
  kind: z.literal("outbound.delivery"),
  deliveryId: z.string().min(1).max(64),
  /** What asked for this attempt: the schedule, an operator's redeliver, or a replay. */
  trigger: z.enum(["scheduled", "manual", "replay"]).default("scheduled"),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

/** Fans the outbox out to the subscriptions (src/outbound/dispatch.ts); sent after events are written. */
export const DispatchMessage = z.object({ kind: z.literal("outbound.dispatch") });
export type DispatchMessage = z.infer<typeof DispatchMessage>;
