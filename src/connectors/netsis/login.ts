import { canonicalJson, sha256Hex } from "../../crypto/hash.ts";
import { hostOf, UpstreamError } from "../../net/upstream-error.ts";
import type { ConnectorContext } from "../definition.ts";
import type { NetsisCredentials } from "./schemas.ts";

interface CachedToken {
  /** SHA-256 of the credentials the token was issued for: changed credentials log in again. */
  credentials: string;
  token: string;
  expiresAt: number;
}

// Per isolate, one token per integration: the code holds no bindings, only what the ERP issued,
// and a page (one Worker invocation) reuses the token the previous page got.
const tokens = new Map<string, CachedToken>();

// NetOpenX's JNVTTipi (N1): vtMSSQL 0, 1 reserved, vtOracle 2, vtAS400 3 — sent as its number.
const DB_TYPES: Record<NonNullable<NetsisCredentials["dbType"]>, string> = { MSSQL: "0", ORACLE: "2" };

export const baseUrl = (credentials: NetsisCredentials) => credentials.endpoint.replace(/\/+$/, "");

/**
 * A bearer token for the integration: the cached one while it has more than a margin of its
 * `expires_in` left (and was issued for these credentials), else a fresh login. `fresh` skips
 * the cache (a connection test must prove that the credentials work now).
 */
export async function bearerToken(
  fetch: ConnectorContext["fetch"],
  integrationId: string,
  credentials: NetsisCredentials,
  options: { fresh?: boolean } = {},
): Promise<string> {
  const fingerprint = await sha256Hex(canonicalJson(credentials));
  const cached = tokens.get(integrationId);
  if (!options.fresh && cached?.credentials === fingerprint && cached.expiresAt > Date.now()) return cached.token;
  const { token, expiresIn } = await login(fetch, credentials);
  const margin = Math.min(60, Math.floor(expiresIn / 10));
  tokens.set(integrationId, { credentials: fingerprint, token, expiresAt: Date.now() + (expiresIn - margin) * 1000 });
  return token;
}

/** Drops the integration's cached token if it is still `token` (Netsis refused it). */
export function forgetToken(integrationId: string, token: string): void {
  if (tokens.get(integrationId)?.token === token) tokens.delete(integrationId);
}

/**
 * `POST /token` with NetOpenX's form (N1 `LoginManager.Login`, N2). `dbtype` goes only when the
 * integration names one; without it the server opens the database type it is set up for — and
 * Netsis 9.0.67.0 fails with a 500 when `dbtype` is sent at all (N3), so a 500 to a login that
 * sent it is tried once more without. A refusal is permanent and says it in Netsis' own words
 * (`error_description`), with status 401 so that the circuit counts it as refused credentials;
 * 408/429/5xx are retryable.
 */
async function login(
  fetch: ConnectorContext["fetch"],
  c: NetsisCredentials,
): Promise<{ token: string; expiresIn: number }> {
  const send = (withDbType: boolean) => {
    const form = new URLSearchParams({
      grant_type: "password",
      branchcode: String(c.branchCode),
      username: c.username,
      password: c.password,
      dbname: c.dbName,
      dbuser: c.dbUser,
      dbpassword: c.dbPassword,
    });
    if (withDbType && c.dbType) form.set("dbtype", DB_TYPES[c.dbType]);
    return fetch(`${baseUrl(c)}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form.toString(),
    });
  };
  let res = await send(true);
  if (res.status === 500 && c.dbType) {
    await res.body?.cancel();
    res = await send(false);
  }
  const body = await readJson(res);
  if (res.ok) {
    const token = body?.access_token;
    if (typeof token !== "string" || token === "") {
      throw new UpstreamError("connector", "Netsis login answered without an access_token (check the endpoint)", {
        retryable: false,
        status: res.status,
      });
    }
    const expiresIn = Number(body?.expires_in);
    return { token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600 };
  }
  const description = textOf(body?.error_description) ?? textOf(body?.error);
  const failed = UpstreamError.fromResponse("connector", res, "Netsis login", description);
  if (failed.retryable) throw failed;
  if (res.status === 404) {
    // The host only: the endpoint's path may be a secret, and run errors are read by viewers.
    const where = hostOf(baseUrl(c));
    throw new UpstreamError(
      "connector",
      `Netsis on ${where} has no /token under the configured endpoint (HTTP 404): check its path`,
      {
        retryable: false,
        status: 404,
      },
    );
  }
  throw new UpstreamError("connector", `Netsis login failed: ${description ?? `HTTP ${res.status}`}`, {
    retryable: false,
    status: 401,
  });
}

/** The body as a JSON object or array, or null when it is neither (an HTML error page, nothing at all). */
export async function readBody(res: Response): Promise<Record<string, unknown> | unknown[] | null> {
  const text = await res.text().catch(() => "");
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown> | unknown[]) : null;
  } catch {
    return null;
  }
}

/** The body as a JSON object, or null. */
export async function readJson(res: Response): Promise<Record<string, unknown> | null> {
  const body = await readBody(res);
  return body && !Array.isArray(body) ? body : null;
}

export const textOf = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
