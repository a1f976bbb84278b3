import { isTransientWording } from "../../net/transient.ts";
import { UpstreamError } from "../../net/upstream-error.ts";
import type { ConnectorContext } from "../definition.ts";
import { baseUrl, bearerToken, forgetToken, readBody, textOf } from "./login.ts";
import type { NetsisCredentials } from "./schemas.ts";

/**
 * NetOpenX's result (N1 `TResult`, `SelectFilter`): `{ IsSuccessful, ErrorCode, ErrorDesc,
 * Message, Data, TotalCount, Next, … }`, links as `{ Href, MediaType, ApiVersion }`. `more`
 * reads the list's end: `Next` with an Href means more, `Next: null` none, no `Next` unknown.
 */
export interface Envelope<T = unknown> {
  IsSuccessful: boolean;
  Data: T;
  ErrorDesc: string | null;
  TotalCount?: number;
  more: boolean | undefined;
}

export type Query = Record<string, string | number | undefined>;

/** Calls to one integration's NetOpenX, logged in. */
export interface NetsisClient {
  get<T = unknown>(path: string, query?: Query): Promise<Envelope<T>>;
  post<T = unknown>(path: string, query: Query, body: unknown): Promise<Envelope<T>>;
  /** Logs in afresh (and caches the token): proves that the credentials work now. */
  login(): Promise<void>;
}

/**
 * The client: every call carries the integration's bearer token; a 401 logs in again once and
 * repeats the call. Every failure is an UpstreamError (see `readEnvelope`). Paths are written
 * as the official client writes them, with a trailing slash (`Items/`, `ItemSlips/`).
 */
export function netsisClient(context: ConnectorContext<NetsisCredentials>): NetsisClient {
  const { credentials } = context;
  const token = (fresh = false) => bearerToken(context.fetch, context.integrationId, credentials, { fresh });

  async function send<T>(method: string, path: string, query: Query, body: unknown, retried: boolean) {
    const bearer = await token();
    const headers: Record<string, string> = { Authorization: `Bearer ${bearer}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await context.fetch(`${baseUrl(credentials)}${path}${queryString(query)}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status === 401 && !retried) {
      // Expired early, revoked, or the server restarted: one fresh login, then the same call.
      await res.body?.cancel();
      forgetToken(context.integrationId, bearer);
      return send<T>(method, path, query, body, true);
    }
    return readEnvelope<T>(res, `Netsis ${method} ${path}`);
  }

  return {
    get<T>(path: string, query: Query = {}) {
      return send<T>("GET", path, query, undefined, false);
    },
    post<T>(path: string, query: Query, body: unknown) {
      return send<T>("POST", path, query, body, false);
    },
    async login() {
      await token(true);
    },
  };
}

/**
 * The result of a successful call, or the UpstreamError that says what went wrong: 401 after
 * a fresh login and 403 are permanent (status kept, so the circuit counts them); 408/429/5xx
 * are retryable with Retry-After (`UpstreamError.fromResponse`); `IsSuccessful: false` carries
 * ErrorDesc as its message, retryable only when its words say the failure passes. A bare JSON
 * array (how some servers answer `Queries`, N3) is taken as the data of a successful call.
 */
export async function readEnvelope<T>(res: Response, what: string): Promise<Envelope<T>> {
  const body = await readBody(res);
  const json = body && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const desc = textOf(json?.ErrorDesc) ?? textOf(json?.Message);
  if (res.status === 401) {
    throw new UpstreamError("connector", `${what}: Netsis refused a fresh token${desc ? ` (${desc})` : ""}`, {
      retryable: false,
      status: 401,
    });
  }
  if (res.status === 403) {
    throw new UpstreamError("connector", desc ?? `${what} answered 403 (no permission)`, {
      retryable: false,
      status: 403,
    });
  }
  if (!res.ok) throw UpstreamError.fromResponse("connector", res, what, desc);
  if (Array.isArray(body)) return { IsSuccessful: true, Data: body as T, ErrorDesc: null, more: undefined };
  if (!json || typeof json.IsSuccessful !== "boolean") {
    throw new UpstreamError("connector", `${what} did not answer a NetOpenX result (check the endpoint)`, {
      retryable: false,
      status: res.status,
    });
  }
  if (!json.IsSuccessful) {
    throw new UpstreamError("connector", desc ?? `${what} failed without an ErrorDesc`, {
      retryable: isTransientWording(desc),
    });
  }
  return {
    IsSuccessful: true,
    Data: json.Data as T,
    ErrorDesc: null,
    ...(typeof json.TotalCount === "number" ? { TotalCount: json.TotalCount } : {}),
    more: moreOf(json),
  };
}

function moreOf(json: Record<string, unknown>): boolean | undefined {
  if (!Object.hasOwn(json, "Next")) return undefined;
  const next = json.Next as { Href?: unknown } | string | null;
  if (next === null) return false;
  if (typeof next === "string") return next !== "";
  return typeof next?.Href === "string" ? next.Href !== "" : undefined;
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  // %20 rather than +: a space in a SQL statement must reach the server as a space.
  const text = params.toString().replaceAll("+", "%20");
  return text ? `?${text}` : "";
}
