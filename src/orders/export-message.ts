import { z } from "zod";

/** An order from the platform to write into the merchant's ERP. */
export const OrderExportMessage = z.object({
  kind: z.literal("order.export"),
  orderId: z.string().min(1).max(64),
  integrationId: z.string().min(1).max(64),
});
export type OrderExportMessage = z.infer<typeof OrderExportMessage>;
