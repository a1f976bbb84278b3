import { and, eq } from "drizzle-orm";
import { requireConfig } from "../config.ts";
import type { PlatformOrder } from "../connectors/definition.ts";
import { connectorOf } from "../connectors/index.ts";
import { connectorFor } from "../connectors/instance.ts";
import { type Db, getDb } from "../db/client.ts";
import { type OrderRow, orders } from "../db/schema.ts";
import type { Waiting } from "../failure/wait.ts";
import { underGuard } from "../guard/client.ts";
import { guardConfig } from "../guard/config.ts";
import { findIntegration } from "../integrations/store.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import type { Logger } from "../observability/logger.ts";
import { outboxInsert } from "../outbound/emit.ts";
import type { OrderExportMessage } from "./export-message.ts";
import { documentNumberFor, findOrder } from "./store.ts";

export type OrderOutcome = { kind: "exported" } | { kind: "skipped" } | Waiting;

/**
 * Writes one order into the merchant's ERP, exactly once: an order already exported is not
 * touched, the order's own lease in the guard keeps two deliveries from writing at the same
 * time, and the connector looks the order number up in the ERP before it writes. Under the
 * integration's circuit like every call to its system: the guard's "not now" is returned as a
 * wait, failures are thrown for the consumer to read.
 */
export async function exportOrder(env: Env, job: OrderExportMessage, log: Logger): Promise<OrderOutcome> {
  const db = getDb(env);
  const order = await findOrder(db, job.orderId);
  if (order?.status !== "queued") return { kind: "skipped" }; // exported, failed, or gone: nothing to do
  const integration = await findIntegration(db, order.integrationId);
  if (!integration) {
    await failOrder(env, order.id, "The integration was deleted before the order was exported");
    return { kind: "skipped" };
  }
  if (!connectorOf(integration.connector).supportedOperations.includes("orders")) {
    await failOrder(env, order.id, `The ${integration.connector} connector cannot write orders`);
    return { kind: "skipped" };
  }

  const holder = `${order.id}/${crypto.randomUUID()}`;
  const guarded = await underGuard(env, guardConfig(integration), `order:${order.orderNumber}`, holder, async () => {
    const connector = await connectorFor(env, await requireConfig(env), integration, { budget: "sync" });
    if (!connector.createOrder)
      throw new UpstreamError("connector", "This connector cannot write orders", { retryable: false });
    const documentNumber = order.erpDocumentNumber ?? (await documentNumberFor(integration, order.orderNumber));
    return connector.createOrder({
      ...(order.payload as unknown as Omit<PlatformOrder, "documentNumber">),
      documentNumber,
    });
  });
  if (guarded.kind === "wait") return guarded;
  const result = guarded.value;
  await markExported(db, order, result);
  log.info("order exported", {
    orderId: order.id,
    orderNumber: order.orderNumber,
    erpOrderId: result.erpOrderId,
    created: result.created,
  });
  return { kind: "exported" };
}

/** The order is in the ERP: recorded with the ERP's id, and `order.exported` goes to the outbox. */
async function markExported(db: Db, order: OrderRow, result: { erpOrderId: string; created: boolean }) {
  const now = new Date();
  await db.batch([
    db
      .update(orders)
      .set({
        status: "exported",
        erpOrderId: result.erpOrderId,
        createdInErp: result.created,
        lastError: null,
        exportedAt: now,
        updatedAt: now,
      })
      .where(and(eq(orders.id, order.id), eq(orders.status, "queued"))),
    outboxInsert(
      db,
      {
        integrationId: order.integrationId,
        merchantId: order.merchantId,
        type: "order.exported",
        payload: {
          orderId: order.id,
          orderNumber: order.orderNumber,
          erpOrderId: result.erpOrderId,
          createdInErp: result.created,
        },
      },
      now,
    ),
  ]);
}

/** The order cannot be exported: failed with the reason, and `order.failed` goes to the outbox. */
export async function failOrder(env: Env, orderId: string, reason: string): Promise<void> {
  const db = getDb(env);
  const now = new Date();
  const failed = await db
    .update(orders)
    .set({ status: "failed", lastError: reason.slice(0, 2000), updatedAt: now })
    .where(and(eq(orders.id, orderId), eq(orders.status, "queued")))
    .returning()
    .get();
  if (!failed) return;
  await outboxInsert(
    db,
    {
      integrationId: failed.integrationId,
      merchantId: failed.merchantId,
      type: "order.failed",
      payload: { orderId: failed.id, orderNumber: failed.orderNumber, reason: failed.lastError },
    },
    now,
  );
}
