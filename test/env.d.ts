declare namespace Cloudflare {
  interface Env {
    /** Read from migrations/ by vitest.config.ts. */
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** The crons of wrangler.toml [triggers], read by vitest.config.ts. */
    TEST_CRONS: string[];
    /** The [[ratelimits]] of wrangler.toml, read by vitest.config.ts. */
    TEST_RATE_LIMITS: { name: string; limit: number; period: number }[];
    /** A Rate Limiting binding of 3 requests a minute (vitest.config.ts), for the limit tests. */
    TEST_TIGHT_RATE_LIMIT: RateLimit;
  }
}
