declare namespace Cloudflare {
  interface Env {
    /** Read from migrations/ by vitest.config.ts. */
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** The crons of wrangler.toml [triggers], read by vitest.config.ts. */
    TEST_CRONS: string[];
  }
}
