import { aspNetError, type Ctx } from "./envelope.ts";

/**
 * Routing the way ASP.NET Web API routes NetOpenX (N1's URLs; the rest is how Web API behaves):
 * path segments compare without regard to case, one trailing slash is the same path (the
 * official client's URLs end with `/`), each segment is URL-decoded on its own (so `%2F` inside a
 * slip key stays inside it, `%3B` is a `;`), query-parameter names ignore case and unknown
 * parameters are ignored. Literal segments win over `{id}` (`Items/PrimInfo/` is not an item).
 */
export interface NetsisRequest {
  tenant: string;
  url: URL;
  /** The `{id}` segment, decoded, when the route has one. */
  id: string;
  /** A query parameter by name, whatever its case; the first when repeated. */
  query(name: string): string | undefined;
}

export interface Route {
  method: "GET" | "POST";
  /** Segments after `api/v2/`; `{id}` stands for any one segment. */
  path: string;
  handler: (c: Ctx, request: NetsisRequest) => Promise<Response>;
}

/** NetOpenX controllers (N1's URL table) that exist on a real server but not in this simulator. */
const NOT_SIMULATED = new Set(
  [
    "ARPs",
    "ARPsAging",
    "ARPTransactions",
    "BankAccountTransaction",
    "CheckAndPNotesMain",
    "CompaniesInfo",
    "Company",
    "EDocument",
    "ExRates",
    "ForExs",
    "GLAccounts",
    "GLSlips",
    "ItemTransactions",
    "Print",
    "Project",
    "SafeDeposits",
    "StatementsHeader",
  ].map((name) => name.toLowerCase()),
);

/** The raw path segments after the tenant, without the one trailing slash. */
export function segmentsAfterTenant(c: Ctx): string[] {
  const at = c.req.routePath.split("/").indexOf(":tenant");
  const raw = new URL(c.req.url).pathname.split("/").slice(at + 1);
  if (raw.length > 1 && raw[raw.length - 1] === "") raw.pop();
  return raw;
}

/** The route for this method and path, or the answer Web API gives when there is none. */
export function dispatch(c: Ctx, routes: readonly Route[], raw: string[]): Promise<Response> | Response {
  const url = new URL(c.req.url);
  let segments: string[];
  try {
    segments = raw.map((s) => decodeURIComponent(s));
  } catch {
    return aspNetError(c, 400, "Bad Request");
  }
  const lower = segments.map((s) => s.toLowerCase());
  const candidates = routes.filter((r) => matches(r.path, lower) !== null);
  const route = candidates.find((r) => r.method === c.req.method);
  if (route) {
    const idAt = route.path.split("/").indexOf("{id}");
    const params = [...url.searchParams.entries()];
    return route.handler(c, {
      tenant: c.req.param("tenant") ?? "",
      url,
      id: idAt >= 0 ? (segments[idAt] ?? "") : "",
      query: (name) => params.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
    });
  }
  if (candidates.length > 0) {
    return aspNetError(c, 405, `The requested resource does not support http method '${c.req.method}'.`);
  }
  const controller = segments[0] ?? "";
  if (NOT_SIMULATED.has(controller.toLowerCase())) {
    return aspNetError(c, 501, `Simulator: NetOpenX has '${controller}', this simulator does not implement it.`);
  }
  const known = routes.some((r) => r.path.split("/")[0]?.toLowerCase() === controller.toLowerCase());
  return aspNetError(c, 404, `No HTTP resource was found that matches the request URI '${url.href}'.`, {
    MessageDetail: known
      ? `No action was found on the controller '${controller}' that matches the request.`
      : `No type was found that matches the controller named '${controller}'.`,
  });
}

/** The segments a route template matches (literals case-insensitively), or null. */
function matches(template: string, lower: string[]): string[] | null {
  const parts = template.split("/");
  if (parts.length !== lower.length) return null;
  return parts.every((part, k) => part === "{id}" || part.toLowerCase() === lower[k]) ? lower : null;
}

/** Sorts routes so that literal segments are tried before `{id}`, as Web API ranks them. */
export const ranked = (routes: Route[]): Route[] =>
  [...routes].sort((a, b) => Number(a.path.includes("{id}")) - Number(b.path.includes("{id}")));
