import type { Context, ErrorHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { failureOf } from "../failure/failure.ts";
import { errorBody } from "./envelope.ts";
import { AppError } from "./errors.ts";

/**
 * The one error renderer (`app.onError`): every failure leaves in the seed's error envelope,
 * with the answer `failureOf` gives it. Unexpected errors are logged with their stack and
 * answered with a bare 500 that names the request id, never the internals.
 */
export const renderError: ErrorHandler<AppEnv> = (err, c) => errorResponse(c, toAppError(err, c));

/** The response for an AppError: its status, headers and the error envelope. */
export function errorResponse(c: Context<AppEnv>, error: AppError): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(errorBody(c, error.code, error.message, error.details), error.status);
}

function toAppError(err: unknown, c: Context<AppEnv>): AppError {
  const { answer } = failureOf(err);
  if (answer) {
    if (err instanceof AppError && err.status >= 500)
      c.get("log")?.error(err.message, { code: err.code, cause: err.cause });
    return answer;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  c.get("log")?.error("unhandled error", { error: e.message, stack: e.stack });
  return new AppError("INTERNAL_ERROR", `Internal error; quote request id ${c.get("requestId")} when reporting it`, {
    cause: e,
  });
}
