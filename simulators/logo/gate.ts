import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Permission, User } from "./config.ts";
import { type Ctx, message, modelState, serverError } from "./http.ts";
import { findUser, type Tenant } from "./state.ts";

const RIGHTS: Record<Permission, string> = {
  items: "malzeme kartlarını okuma",
  stock: "stok durumunu sorgulama",
  prices: "satış fiyatlarını okuma",
  orders: "satış siparişi işlemleri",
};

/**
 * What every data endpoint does first, in this order: wait `latencyMs`; check the bearer token
 * (one or more spaces after "Bearer", as L1 sends two); count down `expireTokensAfter`; apply
 * injected faults (failNext, then rateLimitNext, then errorRate); check the user's right.
 * Faults come after the token, so they hit requests that would otherwise have succeeded.
 * Returns the user, or the answer to send instead.
 */
export async function enter(c: Ctx, t: Tenant, permission: Permission): Promise<User | Response> {
  const { config } = t;
  if (config.latencyMs) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));

  const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const session = token === undefined ? undefined : t.tokens.get(token);
  const user = session && session.expiresAt > Date.now() ? findUser(t, session.username) : undefined;
  if (!user) return unauthorized(c, t);

  // Token expiry in the middle of a run: this request is served, the next ones are not.
  if (config.expireTokensAfter > 0 && --config.expireTokensAfter === 0) t.tokens.clear();

  if (config.failNext > 0) {
    config.failNext--;
    return serverError(c, config.failStatus as ContentfulStatusCode);
  }
  if (config.rateLimitNext > 0) {
    config.rateLimitNext--;
    c.header("Retry-After", String(config.retryAfterSeconds));
    return message(c, 429, "Too many requests.");
  }
  if (config.errorRate > 0 && t.random() < config.errorRate) return serverError(c);

  if (!user.permissions.includes(permission)) {
    return modelState(c, "LOError:", `'${user.username}' kullanıcısının ${RIGHTS[permission]} yetkisi yok.`);
  }
  return user;
}

/**
 * A missing, unknown or expired token, as `unauthorized` says: "bare" — 401 without a body
 * (L5, L6 see only the status); "message" — ASP.NET's [Authorize] text; "loginError" — 400 with
 * ModelState.LoginError, which L4 answers by logging in again.
 */
function unauthorized(c: Ctx, t: Tenant): Response {
  if (t.config.unauthorized === "message") return message(c, 401, "Authorization has been denied for this request.");
  if (t.config.unauthorized === "loginError")
    return modelState(c, "LoginError", "Oturum geçersiz veya süresi dolmuş; yeniden giriş yapın.");
  return c.body(null, 401, { "WWW-Authenticate": "Bearer" });
}
