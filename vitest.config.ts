import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildSimulators } from "./scripts/lib/build-simulators.ts";
import { declaredCrons, declaredRateLimits, fastQueueConsumers } from "./scripts/lib/wrangler-config.ts";

// Fixed, test-only secrets. Bindings win over .dev.vars (so local runs match CI); process.env
// only quiets wrangler's "missing required secrets" warning on a fresh clone.
const TEST_SECRETS = {
  JWT_SECRET: "test-only-jwt-secret-that-is-long-enough-0123456789",
  ENCRYPTION_KEY: "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=",
  PLATFORM_API_TOKEN: "test-platform-token",
};
Object.assign(process.env, TEST_SECRETS);

/** Test files that read tables whole, and so need storage no other file writes to. */
const NEEDS_OWN_DATABASE = [
  "test/routes/audit.test.ts",
  "test/routes/audit-export.test.ts",
  "test/routes/system.test.ts",
  "test/sync/uploads-gzip.test.ts",
  // Moves the events table away for a while.
  "test/inbound/held-outage.test.ts",
  // These run the every-minute cron, whose health checks and alert rules cover every integration.
  "test/health-checks/schedule.test.ts",
  "test/alerts/notifications.test.ts",
  "test/alerts/routes.test.ts",
];

/** Where the tests reach the simulators; any host works, the outbound service takes every fetch. */
export const SIMS_ORIGIN = "https://sims.test";

// The simulators run as an auxiliary Worker, which must be plain JavaScript: bundle them first.
const simsScript = buildSimulators();

// Every test runs inside workerd with the bindings of wrangler.toml (D1, Queues, Durable
// Objects), storage isolated per test file. Every outbound fetch of the gateway goes to the
// simulators over real HTTP semantics.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...TEST_SECRETS,
            TEST_MIGRATIONS: migrations,
            TEST_CRONS: declaredCrons(),
            TEST_RATE_LIMITS: declaredRateLimits(),
            LOG_LEVEL: "error",
            PLATFORM_API_URL: `${SIMS_ORIGIN}/platform`,
            // Retries come back at once in tests; the backoff itself has unit tests.
            SYNC_RETRY_BASE_SECONDS: "0",
            // Each test sees its own writes at once; test/inbound/receiver-cache.test.ts turns it on.
            WEBHOOK_CACHE_SECONDS: "0",
            // Outgoing deliveries retry at once; the schedule itself has unit tests.
            DELIVERY_RETRY_SCALE: "0",
            // No health check or alert evaluation behind other tests' backs (they spend budgets and
            // notify); the tests of those turn them on for their own cron calls.
            HEALTH_CHECKS_PER_RUN: "0",
            ALERT_EVALUATIONS_PER_RUN: "0",
          },
          queueConsumers: fastQueueConsumers(),
          // The whole suite calls the API thousands of times a minute as a handful of subjects, so
          // the API's limiters get room here; test/http/rate-limit.test.ts puts the tight one in
          // their place to see the real binding refuse.
          ratelimits: {
            CLIENT_RATE_LIMIT: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } },
            PRINCIPAL_RATE_LIMIT: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
            WEBHOOK_REFUSAL_LIMIT: { namespace_id: "1003", simple: { limit: 1_000_000, period: 60 } },
            TEST_TIGHT_RATE_LIMIT: { namespace_id: "1999", simple: { limit: 3, period: 60 } },
          },
          outboundService: "sims",
          workers: [
            {
              name: "sims",
              modules: true,
              scriptPath: simsScript,
              compatibilityDate: "2026-11-01",
              compatibilityFlags: ["nodejs_compat"],
              bindings: { PLATFORM_TOKEN: TEST_SECRETS.PLATFORM_API_TOKEN },
            },
          ],
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup.ts"],
      // End-to-end tests wait for runs to travel through the real queues.
      testTimeout: 30_000,
      projects: [
        // Most files share their workers (and so one database) across files: each test makes
        // its own merchants and integrations and reads back only what it made, and a worker
        // per file would spend most of the suite starting up.
        {
          extends: true,
          test: { name: "shared", isolate: false, exclude: [...NEEDS_OWN_DATABASE, "node_modules/**"] },
        },
        // These read the whole database (every audit entry, every integration's key), so they
        // get a database of their own per file.
        { extends: true, test: { name: "own-database", include: NEEDS_OWN_DATABASE } },
      ],
    },
  };
});
