import { z } from "zod";
import { inboundEventJob } from "../inbound/event-job.ts";
import { orderExportJob } from "../orders/export-job.ts";
import { deliveryJob, dispatchJob } from "../outbound/delivery-job.ts";
import { syncPageJob } from "../sync/page-job.ts";
import type { JobKind, JobSchema } from "./kind.ts";

/** Every kind of queued job, one line each: adding a kind is its folder and a line here. */
const KINDS = [
  syncPageJob, // src/sync: a page of a sync run
  orderExportJob, // src/orders: an order into the ERP
  inboundEventJob, // src/inbound: an incoming webhook event
  dispatchJob, // src/outbound: the outbox fanned out to subscriptions
  deliveryJob, // src/outbound: an attempt of an outgoing delivery
] as const;

type Schemas<T extends readonly JobKind<JobSchema>[]> = { -readonly [I in keyof T]: T[I]["schema"] };

/** Every message the job queues carry. */
export const JobMessage = z.discriminatedUnion("kind", KINDS.map((k) => k.schema) as unknown as Schemas<typeof KINDS>);
export type JobMessage = z.infer<typeof JobMessage>;

const BY_NAME = new Map<string, JobKind<JobSchema>>(KINDS.map((k) => [k.schema.shape.kind.value, k]));

/** The handlers of a job, by its kind. */
export function kindOf(job: JobMessage): JobKind<JobSchema> {
  const kind = BY_NAME.get(job.kind);
  if (!kind) throw new Error(`no job kind ${job.kind} is registered`); // unreachable: the message parsed
  return kind;
}
