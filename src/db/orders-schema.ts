import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const ORDER_STATUSES = ["queued", "exported", "failed"] as const;

/**
 * Orders from the platform to be written into the merchant's ERP. The order number is the
 * natural key: one row per (integration, order number), however often the order arrives.
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    orderNumber: text("order_number").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    /**
     * The number the order has in the ERP: the order number, or where the ERP's field is shorter
     * a deterministic one that fits (src/orders/document-number.ts). Unique per integration, so
     * two orders can never become one.
     */
    erpDocumentNumber: text("erp_document_number"),
    erpOrderId: text("erp_order_id"),
    /** False when the ERP already had the order (found by number) and nothing was written. */
    createdInErp: integer("created_in_erp", { mode: "boolean" }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    exportedAt: integer("exported_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("orders_integration_number_uq").on(t.integrationId, t.orderNumber),
    uniqueIndex("orders_integration_document_uq").on(t.integrationId, t.erpDocumentNumber),
    index("orders_integration_created_idx").on(t.integrationId, t.createdAt),
  ],
);
export type OrderRow = typeof orders.$inferSelect;
