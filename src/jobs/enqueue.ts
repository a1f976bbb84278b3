/**
 * The queues jobs travel on, by the name a job kind declares (`JobKind.queue`), each with a
 * normal and a priority lane. Queue names are in wrangler.toml.
 */
const QUEUES = {
  /** Sync pages. Priority runs have their own queue, so they never wait behind a backlog of scheduled ones. */
  sync: { normal: "SYNC_QUEUE", priority: "SYNC_QUEUE_PRIORITY" },
  /** Orders into the ERP: a customer is waiting, so no burst of syncs (priority ones included) stands in front. */
  orders: { normal: "ORDER_QUEUE", priority: "ORDER_QUEUE" },
  /** Outgoing webhook deliveries and the outbox's fan-out: a failing receiver holds up nothing else. */
  deliveries: { normal: "DELIVERY_QUEUE", priority: "DELIVERY_QUEUE" },
} as const satisfies Record<string, Record<"normal" | "priority", keyof Env>>;

export type JobQueue = keyof typeof QUEUES;

export interface EnqueueOptions {
  /** The kind's queue. */
  queue: JobQueue;
  priority?: boolean;
  delaySeconds?: number;
}

/**
 * Sends one job to its queue: the one way any job is queued.
 *
 * @example await enqueueJob(env, { kind: "order.export", orderId, integrationId }, { queue: "orders" })
 */
export async function enqueueJob(env: Env, message: { kind: string }, options: EnqueueOptions): Promise<void> {
  const lane = QUEUES[options.queue][options.priority ? "priority" : "normal"];
  const delaySeconds = options.delaySeconds ?? 0;
  await env[lane].send(message, delaySeconds > 0 ? { delaySeconds } : {});
}
