import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SimUser } from "./config.ts";
import { aspNetError, businessError, type Ctx, crashed } from "./envelope.ts";
import { countHost, findUser, type Permission, type Tenant, tenant } from "./state.ts";

const RIGHTS: Record<Permission, string> = {
  items: "stok kartlarını okuma",
  stock: "sorgu çalıştırma (stok bakiyeleri)",
  prices: "fiyatları görme",
  orders: "fatura/sipariş fişi işlemleri",
};

/** N1: what NetOpenX answers a data call with a missing, unknown or expired token. */
export const denied = (c: Ctx) => aspNetError(c, 401, "Authorization has been denied for this request.");

/**
 * What every data endpoint does first, in this order: count the request (and its Host), wait
 * `latencyMs`, check the bearer token (401, N1), count down `expireTokensAfter`, apply injected
 * faults (failNext, then rateLimitNext, then errorRate), check the user's right. Faults come
 * after the token so that they hit requests that would otherwise have succeeded. `prices` is
 * not checked here: without it the item cards come without prices (see items.ts).
 */
export async function enter(
  c: Ctx,
  endpoint: string,
  permission: Permission | null,
): Promise<{ state: Tenant; user: SimUser } | Response> {
  const state = tenant(c.req.param("tenant") ?? "");
  const { config, stats } = state;
  stats.requests[endpoint] = (stats.requests[endpoint] ?? 0) + 1;
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) countHost(state, c.req.url);
  if (config.latencyMs) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));

  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const session = state.tokens.get(token);
  const user = session && session.expiresAt > Date.now() ? findUser(state, session.username) : undefined;
  if (!user) {
    if (session) state.tokens.delete(token);
    return denied(c);
  }
  if (config.expireTokensAfter !== undefined) {
    if (config.expireTokensAfter === 0) {
      // Fires once: the tokens issued after it work again.
      config.expireTokensAfter = undefined;
      state.tokens.clear();
      return denied(c);
    }
    config.expireTokensAfter -= 1;
  }

  if (config.failNext) {
    config.failNext -= 1;
    const status = config.failStatus ?? 500;
    if (status === 200)
      return businessError(c, "Injected", config.failMessage ?? "Beklenmeyen bir hata oluştu (failNext)");
    return aspNetError(c, status as ContentfulStatusCode, config.failMessage ?? "An error has occurred.");
  }
  if (config.rateLimitNext) {
    config.rateLimitNext -= 1;
    c.header("Retry-After", String(config.retryAfterSeconds ?? 1));
    return aspNetError(c, 429, "Too many requests (rateLimitNext)");
  }
  if (config.errorRate && state.random() < config.errorRate) return crashed(c);

  if (permission && !user.permissions.includes(permission)) {
    // A missing right is a business error like any other (HTTP 200, silent: chosen after N3).
    return businessError(c, "PermissionDenied", `'${user.username}' kullanıcısının ${RIGHTS[permission]} yetkisi yok`);
  }
  return { state, user };
}
