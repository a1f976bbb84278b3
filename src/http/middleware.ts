import type { MiddlewareHandler } from "hono";
import { requireConfig } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { createLogger, parseLogLevel } from "../observability/logger.ts";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Reads `X-Request-Id` (kept when it is a sane token, else replaced), echoes it on the
 * response, and gives the request a logger that stamps it on every line. Ends with one
 * access-log line per request.
 */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const incoming = c.req.header("x-request-id");
    const requestId =
      incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : `req_${crypto.randomUUID().replace(/-/g, "")}`;
    c.set("requestId", requestId);
    const log = createLogger(parseLogLevel(c.env.LOG_LEVEL), { requestId });
    c.set("log", log);
    const started = Date.now();
    await next();
    c.header("X-Request-Id", requestId);
    c.get("log").info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Date.now() - started,
    });
  };
}

/** Loads the validated configuration into `config`; a misconfigured gateway answers 500 CONFIG_INVALID. */
export function withConfig(): MiddlewareHandler<AppEnv> {
  return async function withConfig(c, next) {
    c.set("config", await requireConfig(c.env));
    await next();
  };
}

/** API answers carry tenant data: never let a shared cache keep them. */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStore(c, next) {
    await next();
    c.header("Cache-Control", "no-store");
  };
}
