import type { Context, MiddlewareHandler } from "hono";
import { auditSecurityEvent, clientSource } from "../audit/security.ts";
import type { AppEnv } from "../env.ts";
import { AppError } from "./errors.ts";

/**
 * The `period` of the [[ratelimits]] bindings in wrangler.toml (a test keeps the two equal).
 * The binding does not say when a window ends, so Retry-After promises the whole period.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

interface RateLimitOptions {
  /** The Rate Limiting binding that counts. */
  limiter: (env: Env) => RateLimit;
  /** Whose requests count together. */
  key: (c: Context<AppEnv>) => string;
  /** Who was limited, for the message: "from this address". */
  who: string;
}

/**
 * Answers 429 RATE_LIMITED with Retry-After once `key` has used its budget, and records the
 * refusal as a counted security event. Cloudflare's Rate Limiting binding keeps the counters on
 * the machine that runs the Worker, so a normal request pays no round trip for the check. If
 * the limiter itself fails, the request goes on (logged): a limiter outage must not become an
 * outage of the API.
 */
function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const key = options.key(c);
    let allowed = true;
    try {
      allowed = (await options.limiter(c.env).limit({ key })).success;
    } catch (error) {
      c.get("log").error("rate limiter unavailable; request let through", { error: String(error) });
    }
    if (!allowed) {
      auditSecurityEvent(c, {
        action: "auth.rate_limited",
        outcome: "denied",
        details: { method: c.req.method, path: c.req.path, reason: options.who },
      });
      throw new AppError(
        "RATE_LIMITED",
        `Too many requests ${options.who}; try again in ${RATE_LIMIT_PERIOD_SECONDS} s`,
        {
          headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
        },
      );
    }
    await next();
  };
}

/** Every request, authenticated or not, counted per client address (IPv6 per /64). */
export const clientRateLimit = () =>
  rateLimit({
    limiter: (env) => env.CLIENT_RATE_LIMIT,
    key: (c) => `client:${clientSource(c.req.header("cf-connecting-ip"))}`,
    who: "from this address",
  });

/** Authenticated requests counted per token subject, wherever they come from. Needs `requireAuth` before it. */
export const principalRateLimit = () =>
  rateLimit({
    limiter: (env) => env.PRINCIPAL_RATE_LIMIT,
    key: (c) => `principal:${c.get("principal").subject}`,
    who: "for this token's subject",
  });
