import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import type { AppEnv } from "../env.ts";
import { GuardWait } from "../guard/client.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import { errorBody } from "./envelope.ts";
import { AppError, type ErrorCode } from "./errors.ts";
import { fieldIssues } from "./validation.ts";

// Hono's own exceptions (malformed JSON, missing content type, body limit) in our codes.
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: "MALFORMED_REQUEST",
  401: "UNAUTHORIZED",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/**
 * The one error renderer (`app.onError`): every failure leaves in the seed's error envelope.
 * Unexpected errors are logged with their stack and answered with a bare 500 that names the
 * request id, never the internals.
 */
export const renderError: ErrorHandler<AppEnv> = (err, c) => errorResponse(c, toAppError(err, c));

/** The response for an AppError: its status, headers and the error envelope. */
export function errorResponse(c: Context<AppEnv>, error: AppError): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(errorBody(c, error.code, error.message, error.details), error.status);
}

function toAppError(err: unknown, c: Context<AppEnv>): AppError {
  if (err instanceof AppError) {
    if (err.status >= 500) c.get("log")?.error(err.message, { code: err.code, cause: err.cause });
    return err;
  }
  if (err instanceof ZodError) return AppError.validation(fieldIssues(err));
  // A merchant's system or the platform failed while we served a request (preview, tests).
  if (err instanceof UpstreamError) return new AppError("UPSTREAM_ERROR", err.message, { cause: err });
  // The integration's rate limit (or a Retry-After pause) has no slot soon enough.
  if (err instanceof GuardWait) {
    const seconds = Math.max(1, Math.ceil((err.retryAt - Date.now()) / 1000));
    return new AppError("RATE_LIMITED", `The merchant's system is rate-limited; try again in ${seconds} s`, {
      headers: { "Retry-After": String(seconds) },
    });
  }
  if (err instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[err.status];
    if (code) return new AppError(code, describeHttpException(err, code));
  }
  const e = err instanceof Error ? err : new Error(String(err));
  c.get("log")?.error("unhandled error", { error: e.message, stack: e.stack });
  return new AppError("INTERNAL_ERROR", `Internal error; quote request id ${c.get("requestId")} when reporting it`, {
    cause: e,
  });
}

function describeHttpException(err: HTTPException, code: ErrorCode): string {
  if (code === "UNSUPPORTED_MEDIA_TYPE") return "Unsupported Content-Type: send 'Content-Type: application/json'";
  return err.message || code;
}
