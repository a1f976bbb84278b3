import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * Route middleware for an optional JSON body: no body, an empty (or all-whitespace) body and
 * `{}` all mean "the defaults", whatever the Content-Type says (`curl -X POST` sends none,
 * `curl -d ''` sends a form type). Put it in the route's `middleware`, before validation.
 *
 * Why: without a Content-Type, @hono/zod-openapi hands the handler a bare `{}` without running
 * the schema, so its defaults never apply; with one and an empty body, the JSON parse fails.
 * A blank body is replaced by `{}` sent as JSON, so the route's schema always runs.
 *
 * @example middleware: [requireWriter(), optionalJsonBody()] as const
 */
export function optionalJsonBody(): MiddlewareHandler<AppEnv> {
  return async function optionalJsonBody(c, next) {
    const raw = c.req.raw;
    if (raw.body !== null) {
      // JSON bodies are already capped at MAX_BODY_BYTES, so reading one whole is cheap.
      const bytes = new Uint8Array(await raw.arrayBuffer());
      if (!bytes.every(isJsonWhitespace)) {
        // The body was read: hand the same bytes on, as hono/body-limit does.
        c.req.raw = new Request(raw, { body: bytes });
        return next();
      }
    }
    const headers = new Headers(raw.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    headers.delete("transfer-encoding");
    c.req.raw = new Request(raw, { headers, body: "{}" });
    return next();
  };
}

/** Space, tab, LF, CR: the whitespace JSON allows around a value. */
const isJsonWhitespace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
