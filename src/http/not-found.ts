import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError } from "./errors.ts";
import { errorResponse } from "./render-error.ts";

type RouteList = Hono<AppEnv>["routes"];

/**
 * `app.notFound`: a JSON 404 in the envelope, or a 405 with `Allow` when the path exists
 * under other methods. Hono alone answers both with a plain-text 404. Paths are matched the
 * way Hono's router matches them (strictly: `/api/integrations/` is not `/api/integrations`),
 * so a 405 is only ever claimed for a path some route really serves.
 */
export function notFoundOrMethodNotAllowed(routes: () => RouteList) {
  let compiled: { method: string; pattern: RegExp }[] | undefined;
  const methodsFor = (path: string): string[] => {
    compiled ??= routes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ method: r.method, pattern: toRegExp(r.path) }));
    return [...new Set(compiled.filter((r) => r.pattern.test(path)).map((r) => r.method))];
  };
  return (c: Context<AppEnv>): Response => {
    const allowed = methodsFor(c.req.path);
    if (allowed.length === 0) {
      const trimmed = c.req.path.replace(/\/+$/, "");
      const hint =
        trimmed !== c.req.path && trimmed !== "" && methodsFor(trimmed).length > 0
          ? `; did you mean ${trimmed} (without the trailing slash)?`
          : "";
      return errorResponse(c, new AppError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}${hint}`));
    }
    if (allowed.includes("GET")) allowed.push("HEAD");
    return errorResponse(
      c,
      new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(", ")}`, {
        headers: { Allow: allowed.join(", ") },
      }),
    );
  };
}

/** `/api/integrations/:id` -> /^\/api\/integrations\/[^/]+$/ (no optional trailing slash: Hono's router is strict). */
function toRegExp(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}$`);
}
