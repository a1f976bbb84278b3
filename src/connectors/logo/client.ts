import type { ConnectorContext } from "../definition.ts";
import { isLoginProblem, logoFailure, permanent, readProblem } from "./errors.ts";
import type { LogoCredentials } from "./schemas.ts";
import { endpointOf, logoSession } from "./session.ts";

/**
 * The list envelope of Logo Objects REST (L2 `types/index.ts`, L3, L5): `{ Meta, offset, count,
 * totalCount, limit, first, next, previous, items }`, where `next` is an object `{ href, … }`.
 * `more` reads it: a `next` with an href (or, tolerated, a URL string) means more rows; `next:
 * null` means none; no `next` at all means "unknown", and the caller reads on until a page
 * comes back empty. The href is never followed: it carries the address the service believes it
 * has (L1's samples show an internal IP), and credentials go nowhere but the configured endpoint.
 */
export interface LogoList<T = Record<string, unknown>> {
  items: T[];
  totalCount: number | undefined;
  more: boolean | undefined;
}

export type Params = Record<string, string | number | undefined>;

/** Calls to one Logo installation with a bearer token, logging in again once when it is refused. */
export interface LogoClient {
  list(path: string, params: Params): Promise<LogoList>;
  post(path: string, body: unknown, params?: Params): Promise<unknown>;
  /** A new login, whatever is cached (connection tests). */
  login(): Promise<void>;
}

/** The most rows asked for in one call; a service configured for fewer answers fewer, and paging goes on. */
export const MAX_PAGE = 1000;

export function logoClient(context: ConnectorContext, credentials: LogoCredentials): LogoClient {
  const session = logoSession(context, credentials);
  const base = endpointOf(credentials);

  async function call(method: "GET" | "POST", path: string, params: Params, body?: unknown): Promise<unknown> {
    const url = `${base}${path}${queryString(params)}`;
    const what = `${method} ${path}`;
    const send = (token: string) =>
      context.fetch(url, {
        method,
        headers: {
          Accept: "application/json",
          Authorization: `Bearer ${token}`,
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    let token = await session.token();
    let response = await send(token);
    if (!response.ok) {
      const problem = await readProblem(response);
      if (!isLoginProblem(response.status, problem)) throw logoFailure(response, what, problem);
      // Expired early, revoked, or the service restarted: one fresh login, then the same call.
      await session.forget(token);
      token = await session.token();
      response = await send(token);
      if (!response.ok) throw logoFailure(response, what, await readProblem(response));
    }
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw permanent(`Logo ${what} answered ${response.status} with a body that is not JSON`);
    }
  }

  return {
    async list(path, params) {
      const page = (await call("GET", path, params)) as Record<string, unknown> | unknown[] | null;
      // Some installations answer a bare array (L6 copes with it); it says nothing about more pages.
      if (Array.isArray(page))
        return { items: page as Record<string, unknown>[], totalCount: undefined, more: undefined };
      if (!page || !Array.isArray(page.items)) throw permanent(`Logo GET ${path} answered without an items list`);
      return {
        items: page.items as Record<string, unknown>[],
        totalCount: typeof page.totalCount === "number" ? page.totalCount : undefined,
        more: moreOf(page),
      };
    },
    post: (path, body, params = {}) => call("POST", path, params, body),
    async login() {
      await session.token(true);
    },
  };
}

function moreOf(page: Record<string, unknown>): boolean | undefined {
  if (!Object.hasOwn(page, "next")) return undefined;
  const next = page.next;
  if (next === null) return false;
  if (typeof next === "string") return next !== "";
  if (typeof next === "object" && typeof (next as { href?: unknown }).href === "string") {
    return (next as { href: string }).href !== "";
  }
  return undefined;
}

/** `?a=1&b=x%20y`: spaces as %20, not `+`, which not every server reads as a space in a query. */
function queryString(params: Params): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}
