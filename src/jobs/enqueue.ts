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

/** Sends jobs of one kind's queue in one call per 100 (the queue's batch limit), without delay. */
export async function enqueueJobs(
  env: Env,
  messages: readonly { kind: string }[],
  options: Omit<EnqueueOptions, "delaySeconds">,
): Promise<void> {
  const lane = QUEUES[options.queue][options.priority ? "priority" : "normal"];
  for (let i = 0; i < messages.length; i += 100)
    await env[lane].sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
}
