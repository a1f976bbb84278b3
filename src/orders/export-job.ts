import { and, eq } from "drizzle-orm";
import { getDb } from "../db/client.ts";
import { orders } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import type { JobKind } from "../jobs/kind.ts";
import { retryNoteColumns } from "../jobs/retry-note.ts";
import { kickDispatch } from "../outbound/enqueue.ts";
import { exportOrder, failOrder } from "./export.ts";
import { OrderExportMessage } from "./export-message.ts";
import { findOrder } from "./store.ts";

/** The job of writing one order into the ERP (src/orders/export.ts); it writes the order's row. */
export const orderExportJob: JobKind<typeof OrderExportMessage> = {
  schema: OrderExportMessage,
  queue: "orders",
  logFields: (job) => ({ integrationId: job.integrationId, orderId: job.orderId }),
  async process(env, job, log) {
    const outcome = await exportOrder(env, job, log);
    if (outcome.kind === "exported") await kickDispatch(env); // order.exported is in the outbox
    return outcome.kind === "wait" ? outcome : { kind: "done" };
  },
  fail: (env, job, reason) => failOrder(env, job.orderId, reason).then(() => kickDispatch(env)),
  async noteRetry(env, job, note) {
    await getDb(env).update(orders).set(retryNoteColumns(orders.attempts, note)).where(eq(orders.id, job.orderId));
  },
  async deadOwner(env, job) {
    const order = await findOrder(getDb(env), job.orderId);
    if (!order) return undefined;
    return { ...order, runId: null, markDead: (error) => failOrder(env, order.id, `dead-lettered: ${error}`) };
  },
  // The order goes back to queued and its job to the orders queue.
  async replayTarget(_env, db, job) {
    const order = await findOrder(db, job.orderId);
    if (!order) throw new AppError("CONFLICT", "This dead letter cannot be replayed: its order no longer exists");
    if (order.status !== "failed")
      throw new AppError(
        "CONFLICT",
        `Order ${order.orderNumber} is ${order.status}; only failed orders can be replayed`,
      );
    return {
      details: { orderId: order.id, orderNumber: order.orderNumber },
      busy: `Order ${order.orderNumber} is being exported`,
      reactivate: db
        .update(orders)
        .set({ status: "queued", attempts: 0, updatedAt: new Date() })
        .where(and(eq(orders.id, order.id), eq(orders.status, "failed"))),
      rollback: db
        .update(orders)
        .set({ status: "failed", updatedAt: new Date() })
        .where(and(eq(orders.id, order.id), eq(orders.status, "queued"))),
      priority: false,
    };
  },
};
