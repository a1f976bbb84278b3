import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SimEnv } from "../index.ts";
import { findUser, type Permission, type Tenant, tenant } from "./state.ts";

export type Ctx = Context<{ Bindings: SimEnv }>;

/** NetOpenX's result envelope, success. */
export const success = (c: Ctx, data: unknown, totalCount?: number) =>
  c.json({
    IsSuccessful: true,
    Data: data,
    ErrorDesc: null,
    ...(totalCount !== undefined ? { TotalCount: totalCount } : {}),
  });

/** NetOpenX's result envelope, failure: HTTP 200 for business errors, other statuses for the rest. */
export const failure = (c: Ctx, desc: string, status: ContentfulStatusCode = 200) =>
  c.json({ IsSuccessful: false, Data: null, ErrorDesc: desc }, status);

const PERMISSION_NAMES: Record<Permission, string> = {
  items: "stok kartlarını okuma",
  stock: "stok bakiyelerini okuma",
  prices: "fiyatları okuma",
  orders: "sipariş fişi yazma",
};

/**
 * What every data endpoint does first, in this order: count the request, wait `latencyMs`,
 * check the bearer token (401 in ASP.NET Web API's words), apply injected faults (failNext,
 * rateLimitNext, errorRate), check the user's permission (403). Returns the tenant, or the
 * answer to send instead.
 */
export async function enter(c: Ctx, permission: Permission, endpoint: string): Promise<Tenant | Response> {
  const state = tenant(c.req.param("tenant") ?? "");
  const { config, stats } = state;
  stats.requests[endpoint] = (stats.requests[endpoint] ?? 0) + 1;
  if (config.latencyMs) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));

  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
  const session = state.tokens.get(token);
  const user = session && session.expiresAt > Date.now() ? findUser(state, session.username) : undefined;
  if (!user) {
    if (session) state.tokens.delete(token);
    return c.json({ Message: "Authorization has been denied for this request." }, 401);
  }

  if (config.failNext) {
    config.failNext -= 1;
    const status = (config.failStatus ?? 500) as ContentfulStatusCode;
    return failure(c, config.failMessage ?? `Injected failure (failNext, HTTP ${status})`, status);
  }
  if (config.rateLimitNext) {
    config.rateLimitNext -= 1;
    c.header("Retry-After", String(config.retryAfterSeconds ?? 1));
    return failure(c, "Too many requests (rateLimitNext)", 429);
  }
  if (config.errorRate && state.random() < config.errorRate) {
    return failure(c, "Injected failure (errorRate)", 500);
  }

  if (!user.permissions.includes(permission)) {
    return failure(c, `'${user.username}' kullanıcısının ${PERMISSION_NAMES[permission]} yetkisi yok`, 403);
  }
  return state;
}

/** A whole number from the query within [min, max]; `fallback` when absent; null when invalid. */
export function intQuery(c: Ctx, name: string, fallback: number, min: number, max: number): number | null {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : null;
}
