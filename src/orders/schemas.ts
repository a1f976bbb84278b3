import { z } from "@hono/zod-openapi";
import { idPattern } from "../db/ids.ts";
import { ORDER_STATUSES, type OrderRow } from "../db/schema.ts";

/** An order as the platform sends it (its `order.created` event, or POST /api/integrations/{id}/orders). */
export const OrderBody = z
  .object({
    orderNumber: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._/-]+$/, "must be letters, digits, '.', '_', '/' or '-'")
      .openapi({ example: "SO-2024-000123" }),
    customerCode: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .openapi({ description: "The customer's account code in the ERP", example: "120.01.001" }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be a 3-letter ISO currency code like TRY")
      .default("TRY"),
    createdAt: z.iso.datetime({ offset: true }).openapi({ example: "2024-01-20T10:30:00Z" }),
    lines: z
      .array(
        z
          .object({
            sku: z.string().trim().min(1).max(64),
            quantity: z.number().positive().max(1_000_000),
            unitPrice: z.number().min(0).max(1e9),
            vatRate: z.number().min(0).max(100).default(20),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict()
  .openapi("Order");
export type OrderBody = z.infer<typeof OrderBody>;

export const OrderParams = z.object({
  orderId: z
    .string()
    .regex(idPattern("ord"), "must be an order id like ord_01JD3W8Z5Q6Y7X8V9T0S1R2P3N")
    .openapi({ param: { name: "orderId", in: "path" } }),
});

export const OrderView = z
  .object({
    id: z.string(),
    integrationId: z.string(),
    merchantId: z.string(),
    orderNumber: z.string(),
    erpDocumentNumber: z.string().nullable().openapi({
      description:
        "The order's number in the ERP: the order number itself, or where the ERP's field is shorter (Netsis FATIRS_NO: 15) a deterministic one that fits — a hash of the whole number, a dash and its last characters",
      example: "RJJ284-00123456",
    }),
    status: z.enum(ORDER_STATUSES).openapi({ description: "queued -> exported, or failed with `lastError`" }),
    erpOrderId: z.string().nullable(),
    createdInErp: z.boolean().nullable().openapi({ description: "False when the ERP already had this order number" }),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    order: OrderBody,
    createdAt: z.iso.datetime(),
    exportedAt: z.iso.datetime().nullable(),
  })
  .openapi("OrderExport");

export function toOrderView(row: OrderRow): z.infer<typeof OrderView> {
  return {
    id: row.id,
    integrationId: row.integrationId,
    merchantId: row.merchantId,
    orderNumber: row.orderNumber,
    erpDocumentNumber: row.erpDocumentNumber,
    status: row.status,
    erpOrderId: row.erpOrderId,
    createdInErp: row.createdInErp,
    attempts: row.attempts,
    lastError: row.lastError,
    order: row.payload as OrderBody,
    createdAt: row.createdAt.toISOString(),
    exportedAt: row.exportedAt?.toISOString() ?? null,
  };
}
