import type { Context, MiddlewareHandler } from "hono";
import { auditSecurityEvent } from "../audit/security.ts";
import type { AppEnv } from "../env.ts";
import { AppError } from "../http/errors.ts";
import { type JwtFailure, verifyJwt } from "./jwt.ts";
import { principalFromClaims, type Role } from "./principal.ts";

/**
 * Authenticates `Authorization: Bearer <jwt>` and sets `principal`. Every refusal is a 401
 * with a `WWW-Authenticate` header, and is audited as `auth.token_rejected` with its reason
 * (counted per source and window, written after the answer: src/audit/security.ts).
 * Needs `withConfig` before it.
 */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async function requireAuth(c, next) {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token) return reject(c, "missing_token", "Missing bearer token: send 'Authorization: Bearer <jwt>'");

    const { jwt } = c.get("config");
    const verified = await verifyJwt(token, {
      key: jwt.key,
      issuer: jwt.issuer,
      audience: jwt.audience,
      maxLifetimeSeconds: jwt.maxLifetimeSeconds,
    });
    if (!verified.ok) return reject(c, verified.reason, refusal(verified.reason, jwt.maxLifetimeSeconds));
    const principal = principalFromClaims(verified.claims);
    if (!principal.ok) return reject(c, "bad_claims", `Invalid token (${principal.reason})`);

    c.set("principal", principal.principal);
    c.set("log", c.get("log").child({ actor: principal.principal.subject, role: principal.principal.role }));
    await next();
  };
}

/** Lets only the given roles through; others get 403 and an `auth.forbidden` audit entry. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async function requireRole(c, next) {
    const { role } = c.get("principal");
    if (!roles.includes(role)) await forbid(c, `role '${role}' may not do this; it needs ${roles.join(" or ")}`);
    await next();
  };
}

/** Roles that may change things. */
export const requireWriter = () => requireRole("admin", "merchant");

/** Audits a forbidden action and throws the 403. */
export async function forbid(c: Context<AppEnv>, reason: string): Promise<never> {
  auditSecurityEvent(c, {
    action: "auth.forbidden",
    outcome: "denied",
    details: { method: c.req.method, path: c.req.path, reason },
  });
  throw new AppError("FORBIDDEN", `Forbidden: ${reason}`);
}

/**
 * Audits an attempt to reach another merchant's resource and throws a 404, so that a caller
 * cannot tell a foreign id from a missing one.
 */
export async function denyCrossTenant(c: Context<AppEnv>, target: { type: string; id: string }): Promise<never> {
  c.get("log").warn("cross-tenant access denied", { target });
  auditSecurityEvent(c, {
    action: "auth.cross_tenant_denied",
    outcome: "denied",
    target,
    details: { method: c.req.method, path: c.req.path },
  });
  throw AppError.notFound(target.type, target.id);
}

/** What the client is told about a refused token: short, and what to change where it can. */
function refusal(reason: JwtFailure, maxLifetimeSeconds: number): string {
  if (reason === "expired") return "Token expired";
  if (reason === "lifetime_too_long") {
    return `Invalid token (lifetime_too_long): exp may be at most ${maxLifetimeSeconds / 86_400} day(s) after iat (or after now); ask for a shorter-lived token`;
  }
  return `Invalid token (${reason})`;
}

async function reject(c: Context<AppEnv>, reason: string, message: string): Promise<never> {
  c.get("log").warn("token rejected", { reason });
  auditSecurityEvent(c, {
    action: "auth.token_rejected",
    outcome: "denied",
    details: { method: c.req.method, path: c.req.path, reason },
  });
  // RFC 6750 §3: no error attribute when the request carried no token at all.
  const challenge = reason === "missing_token" ? "" : `, error="invalid_token"`;
  throw new AppError("UNAUTHORIZED", message, {
    headers: { "WWW-Authenticate": `Bearer realm="integration-gateway"${challenge}` },
  });
}
