import type { z } from "zod";
import type { Db } from "../db/client.ts";
import type { Waiting } from "../failure/wait.ts";
import type { Logger } from "../observability/logger.ts";
import type { JobQueue } from "./enqueue.ts";

/** The schema of a job's message: an object whose `kind` literal names its JobKind. */
export type JobSchema = z.ZodObject<{ kind: z.ZodLiteral<string> }>;

/**
 * How a job went. Waiting is not failing: the job comes back at `until` without using up a
 * retry. An error thrown by `process` becomes `retry` or `fail` as `failureOf` reads it.
 */
export type JobOutcome =
  | { kind: "done" }
  | Waiting
  | { kind: "retry"; message: string; retryAfterSeconds: number | undefined }
  | { kind: "fail"; message: string };

/** Bookkeeping when a job is retried or waits: attempts (a wait uses none), last error, when it comes back. */
export interface RetryNote {
  attempts?: number;
  error: string;
  retryAt: Date;
}

/** What a dead job belongs to (a run, an order): for the dead letter, and how to mark it dead. */
export interface DeadOwner {
  runId: string | null;
  integrationId: string;
  merchantId: string;
  lastError: string | null;
  attempts: number;
  markDead(error: string): Promise<void>;
}

type Statement = Parameters<Db["batch"]>[0][number];

/** What replaying a dead job does to what it belongs to; the replay runs these in its batch. */
export interface ReplayTarget {
  /** For the audit entry. */
  details: Record<string, unknown>;
  /** Makes it active again; a unique index refusing it means something else is active now. */
  reactivate: Statement;
  /** Puts it back to dead when the job cannot be queued. */
  rollback: Statement;
  /** The conflict message when `reactivate` is refused. */
  busy: string;
  /** Whether the job goes to its queue's priority lane. */
  priority: boolean;
}

/**
 * One kind of queued job (a sync page, an order export, ...). It lives in its own folder, owns
 * its table writes, and is registered in src/jobs/registry.ts; the consumer, the dead-letter
 * queue and replay serve every kind through this interface alone.
 */
export interface JobKind<S extends JobSchema> {
  schema: S;
  /** Which queue carries it (src/jobs/enqueue.ts). */
  queue: JobQueue;
  /** What its log lines carry besides the kind and the attempt. */
  logFields(job: z.infer<S>): Record<string, unknown>;
  process(env: Env, job: z.infer<S>, log: Logger): Promise<JobOutcome>;
  /** A failure that retrying cannot fix. */
  fail(env: Env, job: z.infer<S>, reason: string): Promise<void>;
  noteRetry(env: Env, job: z.infer<S>, note: RetryNote): Promise<void>;
  /** Undefined when what it belonged to is gone. */
  deadOwner(env: Env, job: z.infer<S>): Promise<DeadOwner | undefined>;
  /** Throws a CONFLICT AppError saying why, when it cannot be replayed (not dead, gone). */
  replayTarget(env: Env, db: Db, job: z.infer<S>): Promise<ReplayTarget>;
}
