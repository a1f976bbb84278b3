import { z } from "zod";

/** An incoming webhook event, stored, to apply. */
export const InboundEventMessage = z.object({
  kind: z.literal("inbound.event"),
  eventId: z.string().min(1).max(64),
  integrationId: z.string().min(1).max(64),
});
export type InboundEventMessage = z.infer<typeof InboundEventMessage>;
