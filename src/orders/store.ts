import { and, desc, eq, type SQL } from "drizzle-orm";
import { connectorOf } from "../connectors/index.ts";
import { type Db, pageOf } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { type IntegrationRow, type OrderRow, orders } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { enqueueJob } from "../jobs/enqueue.ts";
import { documentNumber } from "./document-number.ts";
import type { OrderExportMessage } from "./export-message.ts";
import type { OrderBody } from "./schemas.ts";

/**
 * Takes an order for export. The order number is the natural key: the first arrival is stored
 * and queued; later arrivals of the same number return that order (`duplicate`) and write
 * nothing — except that a failed order, sent again, is queued again (that is how to retry it).
 */
export async function acceptOrder(env: Env, db: Db, integration: IntegrationRow, body: OrderBody) {
  const now = new Date();
  const erpDocumentNumber = await documentNumberFor(integration, body.orderNumber);
  const row: OrderRow = {
    id: newId("ord"),
    integrationId: integration.id,
    merchantId: integration.merchantId,
    orderNumber: body.orderNumber,
    payload: body,
    status: "queued",
    erpDocumentNumber,
    erpOrderId: null,
    createdInErp: null,
    attempts: 0,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    exportedAt: null,
  };
  const inserted = await db.insert(orders).values(row).onConflictDoNothing();
  if (inserted.meta.changes === 1) {
    await enqueueOrder(env, db, row);
    return { order: row, duplicate: false };
  }
  const existing = await db
    .select()
    .from(orders)
    .where(and(eq(orders.integrationId, integration.id), eq(orders.orderNumber, body.orderNumber)))
    .get();
  if (!existing) {
    const holder = await db
      .select({ orderNumber: orders.orderNumber })
      .from(orders)
      .where(and(eq(orders.integrationId, integration.id), eq(orders.erpDocumentNumber, erpDocumentNumber)))
      .get();
    if (holder) {
      throw new AppError(
        "CONFLICT",
        `Order ${body.orderNumber} would be document ${erpDocumentNumber} in the ERP, which order ${holder.orderNumber} already is; give it another order number`,
      );
    }
    throw new AppError("CONFLICT", `Order ${body.orderNumber} was being stored at the same moment; send it again`);
  }
  if (existing.status !== "failed") return { order: existing, duplicate: true };
  const retried = await db
    .update(orders)
    .set({ status: "queued", lastError: null, updatedAt: now })
    .where(and(eq(orders.id, existing.id), eq(orders.status, "failed")))
    .returning()
    .get();
  if (retried) await enqueueOrder(env, db, retried);
  return { order: retried ?? existing, duplicate: true };
}

/**
 * The order's number in the ERP (see `documentNumber`), or a validation error when the number
 * does not fit and the integration says to refuse such orders (`longOrderNumbers: "refuse"`).
 */
export async function documentNumberFor(
  integration: Pick<IntegrationRow, "connector" | "settings">,
  orderNumber: string,
): Promise<string> {
  const definition = connectorOf(integration.connector);
  const max = definition.orderNumberMaxLength;
  if (max !== undefined && orderNumber.length > max && integration.settings.longOrderNumbers === "refuse") {
    throw AppError.validation([
      {
        field: "orderNumber",
        message: `has ${orderNumber.length} characters; ${definition.name} stores document numbers of at most ${max}. Shorten it, or set the integration's settings.longOrderNumbers to "map"`,
      },
    ]);
  }
  return documentNumber(orderNumber, max);
}

/** Queues an order's export (on the orders' own queue); when the queue refuses, the order is failed and the caller told. */
export async function enqueueOrder(env: Env, db: Db, order: Pick<OrderRow, "id" | "integrationId">, delaySeconds = 0) {
  const message: OrderExportMessage = { kind: "order.export", orderId: order.id, integrationId: order.integrationId };
  try {
    await enqueueJob(env, message, { queue: "orders", delaySeconds });
  } catch (error) {
    await db
      .update(orders)
      .set({ status: "failed", lastError: "could not be queued; send the order again", updatedAt: new Date() })
      .where(eq(orders.id, order.id));
    throw new AppError("SERVICE_UNAVAILABLE", "The queue is unavailable; send the order again shortly", {
      cause: error,
    });
  }
}

export function findOrder(db: Db, id: string) {
  return db.select().from(orders).where(eq(orders.id, id)).get();
}

export function listOrders(
  db: Db,
  integrationId: string,
  filter: { page: number; limit: number; status?: OrderRow["status"] | undefined },
) {
  const conditions: SQL[] = [eq(orders.integrationId, integrationId)];
  if (filter.status) conditions.push(eq(orders.status, filter.status));
  return pageOf(db, orders, and(...conditions), [desc(orders.createdAt), desc(orders.id)], filter);
}
