import { UpstreamError } from "../../net/upstream-error.ts";
import type { ConnectorContext } from "../definition.ts";
import { baseUrl, bearerToken, forgetToken, type NetsisCredentials, readJson, textOf } from "./login.ts";

/** NetOpenX's result envelope. */
export interface Envelope<T = unknown> {
  IsSuccessful: boolean;
  Data: T;
  ErrorDesc: string | null;
  TotalCount?: number;
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
 * An `IsSuccessful: false` is retried only when Netsis' words say the failure is passing — a
 * timeout, a deadlock or lock, a busy server, a lost connection, "try again" (Turkish or
 * English). Anything else (an unknown stock code, a closed period, a missing field) would get
 * the same answer again, so it is permanent.
 */
const TRANSIENT =
  /time-?out|timed out|zaman aşımı|deadlock|\block(ed)?\b|kilitl|meşgul|busy|tekrar deneyin|try again|bağlantı (koptu|kesildi)|connection (lost|reset|closed)|temporar|geçici|unavailable/iu;

export function isTransient(errorDesc: string | undefined): boolean {
  return errorDesc !== undefined && TRANSIENT.test(errorDesc);
}

/**
 * The client: every call carries the integration's bearer token; a 401 logs in again once and
 * repeats the call. Every failure is an UpstreamError (see `readEnvelope`).
 */
export function netsisClient(context: ConnectorContext): NetsisClient {
  const credentials = context.credentials as unknown as NetsisCredentials;
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
 * The envelope of a successful call, or the UpstreamError that says what went wrong:
 * 401 after a fresh login and 403 are permanent (status kept, so the circuit counts them);
 * 408/429/5xx are retryable with Retry-After (`UpstreamError.fromResponse`); `IsSuccessful:
 * false` carries ErrorDesc as its message, retryable only when `isTransient`.
 */
export async function readEnvelope<T>(res: Response, what: string): Promise<Envelope<T>> {
  const json = await readJson(res);
  const desc = textOf(json?.ErrorDesc);
  if (res.status === 401) {
    const said = textOf(json?.Message) ?? desc;
    throw new UpstreamError("connector", `${what}: Netsis refused a fresh token${said ? ` (${said})` : ""}`, {
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
  if (!json || typeof json.IsSuccessful !== "boolean") {
    throw new UpstreamError("connector", `${what} did not answer a NetOpenX result (check the endpoint)`, {
      retryable: false,
      status: res.status,
    });
  }
  if (!json.IsSuccessful) {
    throw new UpstreamError("connector", desc ?? `${what} failed without an ErrorDesc`, {
      retryable: isTransient(desc),
    });
  }
  return json as unknown as Envelope<T>;
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
