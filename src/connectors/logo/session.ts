import { canonicalJson, sha256Hex } from "../../crypto/hash.ts";
import type { ConnectorContext } from "../definition.ts";
import { LogoError, logoFailure, permanent, readProblem } from "./errors.ts";
import type { LogoCredentials } from "./schemas.ts";

interface Token {
  value: string;
  /** When to stop using it: `expires_in` minus a margin, in ms since the epoch. */
  usableUntil: number;
}

// Tokens per (integration, credentials), so that the pages of a sync — each its own Worker
// invocation, often in the same isolate — do not log in every time. A token is no secret worth
// more than the credentials the same isolate already holds; new credentials mean a new key.
const tokens = new Map<string, Promise<Token>>();
const MAX_TOKENS = 1000;

/** Logins and their cache, for one integration. */
export interface LogoSession {
  /** A usable token: the cached one, or a new login (always a new login when `fresh`). */
  token(fresh?: boolean): Promise<string>;
  /** Drops `token` from the cache (Logo said it is no longer valid). */
  forget(token: string): Promise<void>;
}

/**
 * The service's base URL: the endpoint as given when it ends in `/api/v1`; completed when it is
 * the server (`https://erp:32001`) or ends in `/api` (as the seed API's example writes it).
 * Logo Objects REST serves everything under `/api/v1` (L1).
 */
export function endpointOf(c: Pick<LogoCredentials, "endpoint">): string {
  const url = c.endpoint.replace(/\/+$/, "");
  const path = new URL(url).pathname.replace(/\/+$/, "");
  if (/\/api\/v1$/i.test(path)) return url;
  if (/\/api$/i.test(path)) return `${url}/v1`;
  return path === "" ? `${url}/api/v1` : url;
}

export function logoSession(context: ConnectorContext, credentials: LogoCredentials): LogoSession {
  let key: Promise<string> | undefined;
  const cacheKey = () => {
    key ??= sha256Hex(canonicalJson(credentials)).then((hash) => `${context.integrationId}:${hash}`);
    return key;
  };
  const cached = async (k: string) => (await tokens.get(k)?.catch(() => null)) ?? null;

  return {
    async token(fresh = false) {
      const k = await cacheKey();
      const current = fresh ? null : await cached(k);
      if (current && current.usableUntil > Date.now()) return current.value;
      // The pending login is cached, so concurrent calls share it instead of logging in twice.
      const pending = login(context, credentials);
      tokens.delete(k);
      tokens.set(k, pending);
      if (tokens.size > MAX_TOKENS) tokens.delete(tokens.keys().next().value as string);
      try {
        return (await pending).value;
      } catch (error) {
        if (tokens.get(k) === pending) tokens.delete(k);
        throw error;
      }
    },
    async forget(token) {
      const k = await cacheKey();
      if ((await cached(k))?.value === token) tokens.delete(k);
    },
  };
}

/**
 * `POST /token` (L1): the password grant with the firm number (`firmno`, as L1, L4, L5 and L6
 * write it), and the REST client's id and secret as HTTP Basic when the integration has them.
 * Logo issues them per partner licence (L1); many installations do not check them (L4 sends
 * none), so none are sent unless configured — a service that checks says `invalid_client`,
 * and the error tells what to set.
 */
async function login(context: ConnectorContext, c: LogoCredentials): Promise<Token> {
  const form = new URLSearchParams({
    grant_type: "password",
    username: c.username,
    password: c.password,
    firmno: String(c.firmNo),
  });
  const headers: Record<string, string> = {
    Accept: "application/json",
    "Content-Type": "application/x-www-form-urlencoded",
  };
  if (c.clientId && c.clientSecret) headers.Authorization = basicAuth(c.clientId, c.clientSecret);
  const response = await context.fetch(`${endpointOf(c)}/token`, { method: "POST", headers, body: form.toString() });
  if (!response.ok) {
    const problem = await readProblem(response);
    if (problem.error === "invalid_grant" || problem.error === "invalid_client") {
      // Refused credentials: no retry will fix them, and the circuit counts them as an auth failure.
      const hint =
        problem.error === "invalid_client"
          ? c.clientId
            ? " (Logo refused the REST client id and secret: check credentials.clientId and clientSecret)"
            : " (this Logo REST service checks the REST client: set credentials.clientId and clientSecret, which Logo issues per partner licence)"
          : "";
      throw new LogoError(`Logo login failed: ${problem.description}${hint}`, problem, {
        retryable: false,
        status: 401,
      });
    }
    throw logoFailure(response, "POST /token", problem);
  }
  const body = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
  if (typeof body?.access_token !== "string" || body.access_token === "") {
    throw permanent("Logo POST /token answered without an access_token");
  }
  const lifetime = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600;
  const margin = Math.min(60, lifetime / 10);
  return { value: body.access_token, usableUntil: Date.now() + (lifetime - margin) * 1000 };
}

function basicAuth(id: string, secret: string): string {
  // btoa only takes Latin-1 text; credentials may be any UTF-8, so encode them to bytes first.
  const bytes = new TextEncoder().encode(`${id}:${secret}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}
