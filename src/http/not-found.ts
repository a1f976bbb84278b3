import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError } from "./errors.ts";
import { errorResponse } from "./render-error.ts";

type RouteList = Hono<AppEnv>["routes"];

/**
 * `app.notFound`: a JSON 404 in the envelope, or a 405 with `Allow` when the path exists
 * under other methods. Hono alone answers both with a plain-text 404.
 */
export function notFoundOrMethodNotAllowed(routes: () => RouteList) {
  let compiled: { method: string; pattern: RegExp }[] | undefined;
  return (c: Context<AppEnv>): Response => {
    compiled ??= routes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ method: r.method, pattern: toRegExp(r.path) }));
    const allowed = [...new Set(compiled.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method))];
    if (allowed.length === 0)
      return errorResponse(c, new AppError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`));
    if (allowed.includes("GET")) allowed.push("HEAD");
    return errorResponse(
      c,
      new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(", ")}`, {
        headers: { Allow: allowed.join(", ") },
      }),
    );
  };
}

/** `/api/integrations/:id` -> /^\/api\/integrations\/[^/]+\/?$/ */
function toRegExp(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}/?$`);
}
