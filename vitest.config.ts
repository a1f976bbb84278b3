import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Fixed, test-only secrets. Bindings win over .dev.vars (so local runs match CI); process.env
// only quiets wrangler's "missing required secrets" warning on a fresh clone.
const TEST_SECRETS = {
  JWT_SECRET: "test-only-jwt-secret-that-is-long-enough-0123456789",
  ENCRYPTION_KEY: "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=",
};
Object.assign(process.env, TEST_SECRETS);

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
            ...TEST_SECRETS,
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
