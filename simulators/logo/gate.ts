import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SimEnv } from "../index.ts";
import { findUser, type Permission, type Tenant, tenant } from "./state.ts";
import { DEFAULT_LIMIT, type ListQuery, MAX_LIMIT } from "./table.ts";

export type Ctx = Context<{ Bindings: SimEnv }>;

/** Every Logo error body: `{ error, error_description }`. */
export const logoError = (c: Ctx, status: ContentfulStatusCode, error: string, description: string) =>
  c.json({ error, error_description: description }, status);

const RIGHTS: Record<Permission, string> = {
  items: "malzeme kartlarını okuma",
  stock: "stok durumunu okuma",
  prices: "satış fiyatlarını okuma",
  orders: "satış siparişi yazma",
};

/**
 * What every data endpoint does first, in this order: count the request, wait `latencyMs`,
 * check the bearer token (401 invalid_token), apply injected faults (failNext, then
 * rateLimitNext, then errorRate), check the user's right (403 access_denied). Faults come after
 * the token so that they hit requests that would otherwise have succeeded. Returns the tenant,
 * or the answer to send instead.
 */
export async function enter(c: Ctx, permission: Permission): Promise<Tenant | Response> {
  const state = tenant(c.req.param("tenant") ?? "");
  const { config } = state;
  state.stats.requests++;
  if (config.latencyMs) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));

  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!token) return logoError(c, 401, "invalid_token", "Authorization: Bearer <token> gerekli");
  const session = state.tokens.get(token);
  const user = session && session.expiresAt > Date.now() ? findUser(state, session.username) : undefined;
  if (!user) {
    if (session) state.tokens.delete(token);
    return logoError(c, 401, "invalid_token", "Oturum geçersiz veya süresi dolmuş (token expired or unknown)");
  }

  if (config.failNext) {
    config.failNext -= 1;
    const status = (config.failStatus ?? 500) as ContentfulStatusCode;
    return logoError(c, status, "server_error", `Injected failure (failNext, HTTP ${status})`);
  }
  if (config.rateLimitNext) {
    config.rateLimitNext -= 1;
    c.header("Retry-After", String(config.retryAfterSeconds ?? 1));
    return logoError(c, 429, "rate_limited", "Too many requests (rateLimitNext)");
  }
  if (config.errorRate && state.random() < config.errorRate) {
    return logoError(c, 500, "server_error", "Injected failure (errorRate)");
  }

  if (!user.permissions.includes(permission)) {
    return logoError(c, 403, "access_denied", `'${user.username}' kullanıcısının ${RIGHTS[permission]} yetkisi yok`);
  }
  return state;
}

/** `q`, `sort`, `fields`, `offset`, `limit` (clamped to 1000), `withCount` from the URL; a string says what is wrong. */
export function listQuery(c: Ctx): ListQuery | string {
  const offset = whole(c.req.query("offset"), 0);
  const limit = whole(c.req.query("limit"), DEFAULT_LIMIT);
  if (offset === null) return "offset must be a whole number ≥ 0";
  if (limit === null || limit < 1) return "limit must be a whole number ≥ 1";
  return {
    q: c.req.query("q"),
    sort: c.req.query("sort"),
    fields: c.req.query("fields"),
    offset,
    limit: Math.min(limit, MAX_LIMIT),
    withCount: c.req.query("withCount") === "true",
  };
}

function whole(raw: string | undefined, fallback: number): number | null {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}
