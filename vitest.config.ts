import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Fixed, test-only secrets. Set here rather than as bindings so that wrangler sees the secrets
// wrangler.toml requires (and a developer's own shell values never leak into tests).
process.env.JWT_SECRET = "test-only-jwt-secret-that-is-long-enough-0123456789";
process.env.ENCRYPTION_KEY = "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=";

// Every test runs inside workerd with the bindings of wrangler.toml (D1, Queues, Durable
// Objects), storage isolated per test file.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            LOG_LEVEL: "error",
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup.ts"],
    },
  };
});
