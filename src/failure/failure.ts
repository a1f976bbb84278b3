import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { AppError, type ErrorCode } from "../http/errors.ts";
import { fieldIssues } from "../http/validation.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import { GuardWait } from "./wait.ts";

/** What a queued job does about a failure. */
export type Next =
  /** It will likely pass: back off, at least as long as the upstream's Retry-After. */
  | { kind: "retry"; retryAfterSeconds: number | undefined }
  /** Not now: come back at `until` (epoch ms) without using up a retry. */
  | { kind: "wait"; until: number; reason: string }
  /** Retrying will not fix it: the job fails with the message. */
  | { kind: "fail" };

/** What an error means, everywhere the gateway meets one. */
export interface Failure {
  /** For run and order errors, log lines and the HTTP answer. */
  message: string;
  /** For the queue consumer. */
  next: Next;
  /** For the guard: whether it says the integration's system is unwell. */
  countsAgainstCircuit: boolean;
  /**
   * For the error renderer: the HTTP answer. Undefined for an error nothing expected (a bug of
   * ours), which is logged with its stack and answered with a bare 500.
   */
  answer: AppError | undefined;
}

// Hono's own exceptions (malformed JSON, missing content type, body limit) in our codes.
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: "MALFORMED_REQUEST",
  401: "UNAUTHORIZED",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/**
 * The one failure vocabulary: of any error, whether a job retries it (and after how long), waits
 * or fails; whether it counts against the integration's circuit; and which HTTP answer it is.
 * Used by the queue consumer (src/jobs), the guard (src/guard/client.ts) and the error renderer
 * (src/http/render-error.ts), so the three never disagree.
 *
 * @example const { next, countsAgainstCircuit, answer } = failureOf(error)
 */
export function failureOf(error: unknown, now = Date.now()): Failure {
  const message = error instanceof Error ? error.message : String(error);
  const countsAgainstCircuit = counts(error);
  if (error instanceof GuardWait) {
    // The integration's rate limit (or a Retry-After pause) has no slot soon enough.
    const seconds = Math.max(1, Math.ceil((error.retryAt - now) / 1000));
    return {
      message,
      next: { kind: "wait", until: error.retryAt, reason: error.reason },
      countsAgainstCircuit,
      answer: new AppError("RATE_LIMITED", `The merchant's system is rate-limited; try again in ${seconds} s`, {
        headers: { "Retry-After": String(seconds) },
      }),
    };
  }
  if (error instanceof UpstreamError) {
    return {
      message,
      next: error.retryable ? { kind: "retry", retryAfterSeconds: error.retryAfterSeconds } : { kind: "fail" },
      countsAgainstCircuit,
      // A merchant's system or the platform failed while we served a request (preview, tests).
      answer: new AppError("UPSTREAM_ERROR", message, { cause: error }),
    };
  }
  if (error instanceof AppError) {
    // Unreadable credentials or an invalid stored mapping will not heal by waiting; a
    // misconfigured gateway or a passing outage may (an operator fixes the configuration).
    const permanent = error.code === "CREDENTIALS_UNREADABLE" || error.status < 500;
    return { message, next: permanent ? { kind: "fail" } : retry, countsAgainstCircuit, answer: error };
  }
  return { message, next: retry, countsAgainstCircuit, answer: requestAnswer(error) };
}

const retry: Next = { kind: "retry", retryAfterSeconds: undefined };

/**
 * Network errors, timeouts, 5xx and refused credentials say something about the integration's
 * systems; throttling (429), a bad record or our own bug do not. An error that carries an
 * upstream failure as its cause counts as that failure does.
 */
function counts(error: unknown): boolean {
  if (error instanceof GuardWait) return false;
  const upstream =
    error instanceof UpstreamError
      ? error
      : error instanceof Error && error.cause instanceof UpstreamError
        ? error.cause
        : null;
  if (!upstream) return false;
  const { status } = upstream;
  return status === undefined
    ? upstream.retryable
    : status >= 500 || status === 401 || status === 403 || status === 408;
}

/** The answer to errors only a request meets: a failed validation, Hono's own exceptions. */
function requestAnswer(error: unknown): AppError | undefined {
  if (error instanceof ZodError) return AppError.validation(fieldIssues(error));
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code) return new AppError(code, describeHttpException(error, code));
  }
  return undefined;
}

function describeHttpException(err: HTTPException, code: ErrorCode): string {
  if (code === "UNSUPPORTED_MEDIA_TYPE") return "Unsupported Content-Type: send 'Content-Type: application/json'";
  return err.message || code;
}
