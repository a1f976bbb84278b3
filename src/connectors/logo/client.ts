import type { ConnectorContext } from "../definition.ts";
import { logoFailure, permanent, readProblem } from "./errors.ts";
import { endpointOf, type LogoCredentials, logoSession } from "./session.ts";

/** The envelope of Logo's list endpoints. */
export interface LogoList<T = Record<string, unknown>> {
  offset: number;
  count: number;
  totalCount?: number | null;
  limit: number;
  /** The URL of the next page, or null after the last. */
  next: string | null;
  items: T[];
}

export type Params = Record<string, string | number | undefined>;

/** Calls to one Logo installation with a bearer token, logging in again once when it expired. */
export interface LogoClient {
  list(path: string, params: Params): Promise<LogoList>;
  post(path: string, body: unknown, params?: Params): Promise<Record<string, unknown>>;
  /** A new login, whatever is cached (connection tests). */
  login(): Promise<void>;
}

/** Logo answers at most this many rows per page. */
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
    if (response.status === 401) {
      const problem = await readProblem(response);
      if (problem.error !== "invalid_token") throw await logoFailure(response, what, problem);
      // The token expired (or the server forgot it) before we thought: log in again, once.
      await session.forget(token);
      token = await session.token();
      response = await send(token);
    }
    if (!response.ok) throw await logoFailure(response, what);
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw permanent(`Logo ${what} answered ${response.status} with a body that is not JSON`);
    }
  }

  return {
    async list(path, params) {
      const page = (await call("GET", path, params)) as Partial<LogoList> | null;
      if (!page || !Array.isArray(page.items)) throw permanent(`Logo GET ${path} answered without an items list`);
      return { ...page, next: typeof page.next === "string" && page.next ? page.next : null } as LogoList;
    },
    async post(path, body, params = {}) {
      const answer = await call("POST", path, params, body);
      return typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>) : {};
    },
    async login() {
      await session.token(true);
    },
  };
}

/** `?a=1&b=x%20y`: spaces as %20, not `+`, which not every server reads as a space in a query. */
function queryString(params: Params): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}
