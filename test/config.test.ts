import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig, requireConfig } from "../src/config.ts";
import { toBase64Url } from "../src/crypto/encoding.ts";
import { importKeyring } from "../src/crypto/keyring.ts";
import { seal, unseal } from "../src/crypto/sealed.ts";
import { api } from "./helpers/api.ts";
import { tokenFor } from "./helpers/auth.ts";

/** A fresh env object (the config cache is keyed by object) with some variables changed. */
const envWith = (overrides: Record<string, unknown>) => ({ ...env, ...overrides }) as unknown as Env;

const MALFORMED_KEY = "bad-key!not-base64:0123456789";

async function problemsFor(overrides: Record<string, unknown>): Promise<string[]> {
  const result = await loadConfig(envWith(overrides));
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("loadConfig", () => {
  it("accepts the test environment and fills in the defaults", async () => {
    const result = await loadConfig(env);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config.auditRetentionDays).toBe(365);
    expect(config.allowLoopbackHttp).toBe(false);
    expect(config.platformApiUrl).toBe(env.PLATFORM_API_URL);
    expect(config.notificationServiceUrl).toBe(env.NOTIFICATION_SERVICE_URL);
    // Empty JWT_ISSUER / JWT_AUDIENCE in wrangler.toml mean "not checked".
    expect(config.jwt.issuer).toBeUndefined();
    expect(config.jwt.audience).toBeUndefined();
    expect(config.jwt.key.algorithm).toMatchObject({ name: "HMAC" });
    expect(config.jwt.key.usages).toEqual(["verify"]);
    expect(config.keyring.current.id).toMatch(/^[0-9a-f]{16}$/);
    expect(config.keyring.previous).toBeUndefined();
  });

  it("parses once per env object and again for a new object", async () => {
    const same = envWith({});
    const first = loadConfig(same);
    expect(loadConfig(same)).toBe(first);
    const other = loadConfig(envWith({}));
    expect(other).not.toBe(first);
    const [a, b] = await Promise.all([first, other]);
    expect(a.ok && a.config.keyring.current.id).toBe(b.ok && b.config.keyring.current.id);
  });

  it("defaults AUDIT_RETENTION_DAYS to 365 and reads the optional variables when set", async () => {
    const defaults = await loadConfig(envWith({ AUDIT_RETENTION_DAYS: undefined, ALLOW_LOOPBACK_HTTP: undefined }));
    expect(defaults.ok && defaults.config.auditRetentionDays).toBe(365);
    expect(defaults.ok && defaults.config.allowLoopbackHttp).toBe(false);

    const custom = await loadConfig(
      envWith({
        AUDIT_RETENTION_DAYS: "30",
        ALLOW_LOOPBACK_HTTP: "true",
        JWT_ISSUER: " https://auth.example.com ",
        JWT_AUDIENCE: "integration-gateway",
        LOG_LEVEL: "debug",
      }),
    );
    expect(custom.ok).toBe(true);
    if (!custom.ok) return;
    expect(custom.config.auditRetentionDays).toBe(30);
    expect(custom.config.allowLoopbackHttp).toBe(true);
    expect(custom.config.jwt.issuer).toBe("https://auth.example.com");
    expect(custom.config.jwt.audience).toBe("integration-gateway");
    expect(custom.config.logLevel).toBe("debug");
  });

  it("caps token lifetimes at JWT_MAX_LIFETIME_DAYS (30 by default) and refuses a cap out of 1-365", async () => {
    const defaults = await loadConfig(envWith({ JWT_MAX_LIFETIME_DAYS: undefined }));
    expect(defaults.ok && defaults.config.jwt.maxLifetimeSeconds).toBe(30 * 86_400);
    const custom = await loadConfig(envWith({ JWT_MAX_LIFETIME_DAYS: "7" }));
    expect(custom.ok && custom.config.jwt.maxLifetimeSeconds).toBe(7 * 86_400);
    for (const value of ["0", "366", "1.5", "forever"]) {
      const problems = await problemsFor({ JWT_MAX_LIFETIME_DAYS: value });
      expect(
        problems.map((p) => p.split(" ")[0]),
        value,
      ).toEqual(["JWT_MAX_LIFETIME_DAYS"]);
    }
  });

  it("reports a missing JWT_SECRET", async () => {
    const problems = await problemsFor({ JWT_SECRET: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JWT_SECRET /);
    expect(problems[0]).toContain("missing");
  });

  it("reports a JWT_SECRET that is too short, without echoing it", async () => {
    const short = "Sh0rt!Pass";
    expect(short).toHaveLength(10);
    const problems = await problemsFor({ JWT_SECRET: short });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JWT_SECRET /);
    expect(problems[0]).toContain("32");
    expect(problems.join("\n")).not.toContain(short);
  });

  it("reports a missing ENCRYPTION_KEY", async () => {
    const problems = await problemsFor({ ENCRYPTION_KEY: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ENCRYPTION_KEY /);
    expect(problems[0]).toContain("missing");
  });

  it("reports a passphrase ENCRYPTION_KEY, without echoing it", async () => {
    const passphrase = "your-32-char-encryption-key-here";
    const problems = await problemsFor({ ENCRYPTION_KEY: passphrase });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ENCRYPTION_KEY /);
    expect(problems[0]).toContain("openssl rand -base64 32");
    expect(problems.join("\n")).not.toContain(passphrase);
  });

  it("reports a malformed ENCRYPTION_KEY_PREVIOUS, without echoing it", async () => {
    const problems = await problemsFor({ ENCRYPTION_KEY_PREVIOUS: MALFORMED_KEY });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ENCRYPTION_KEY_PREVIOUS /);
    expect(problems.join("\n")).not.toContain(MALFORMED_KEY);
  });

  it("treats an empty ENCRYPTION_KEY_PREVIOUS as unset", async () => {
    const result = await loadConfig(envWith({ ENCRYPTION_KEY_PREVIOUS: "  " }));
    expect(result.ok).toBe(true);
    expect(result.ok && result.config.keyring.previous).toBeUndefined();
  });

  it("lists every problem at once", async () => {
    const problems = await problemsFor({
      JWT_SECRET: "short",
      ENCRYPTION_KEY: MALFORMED_KEY,
      PLATFORM_API_URL: "nope",
    });
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(["ENCRYPTION_KEY", "JWT_SECRET", "PLATFORM_API_URL"]);
  });

  it("builds a rotation keyring from a valid ENCRYPTION_KEY_PREVIOUS", async () => {
    const previousBytes = crypto.getRandomValues(new Uint8Array(32));
    const result = await loadConfig(envWith({ ENCRYPTION_KEY_PREVIOUS: toBase64Url(previousBytes) }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { keyring } = result.config;
    expect(keyring.previous).toBeDefined();
    expect(keyring.previous?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(keyring.previous?.id).not.toBe(keyring.current.id);

    // A value sealed under the old key alone opens with the rotation keyring.
    const oldRing = await importKeyring(previousBytes);
    expect(keyring.previous?.id).toBe(oldRing.current.id);
    const sealed = await seal(oldRing, { password: "eski-şifre" }, "aad");
    await expect(unseal(keyring, sealed, "aad")).resolves.toEqual({ password: "eski-şifre" });
  });

  it("makes requireConfig throw CONFIG_INVALID naming the variable", async () => {
    const error = await requireConfig(envWith({ ENCRYPTION_KEY: MALFORMED_KEY })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFIG_INVALID", status: 500 });
    expect((error as Error).message).toContain("ENCRYPTION_KEY");
    expect((error as Error).message).not.toContain(MALFORMED_KEY);
  });
});

describe("a misconfigured gateway over HTTP", () => {
  it("answers GET /health with 200 ok when the configuration is valid", async () => {
    const { status, body } = await api("GET", "/health");
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.problems).toBeUndefined();
  });

  it("answers GET /health with 503 misconfigured, listing ENCRYPTION_KEY but not its value", async () => {
    const { status, body } = await api("GET", "/health", { env: { ENCRYPTION_KEY: MALFORMED_KEY } });
    expect(status).toBe(503);
    expect(body.status).toBe("misconfigured");
    expect(body.service).toBe("integration-gateway");
    expect(body.problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEY /)]);
    expect(JSON.stringify(body)).not.toContain(MALFORMED_KEY);
  });

  it("answers an authenticated API call with 500 CONFIG_INVALID, never echoing the bad value", async () => {
    const errorLog = vi.spyOn(console, "error").mockImplementation(() => {});
    const { status, body } = await api("GET", "/api/integrations", {
      token: await tokenFor("admin"),
      env: { ENCRYPTION_KEY: MALFORMED_KEY },
    });
    expect(status).toBe(500);
    expect(body.success).toBe(false);
    expect(body.code).toBe("CONFIG_INVALID");
    expect(body.error).toContain("ENCRYPTION_KEY");
    expect(JSON.stringify(body)).not.toContain(MALFORMED_KEY);
    // The operator's log line names the problem too, and also without the value.
    const lines = errorLog.mock.calls.map((args) => args.map(String).join(" "));
    expect(lines.some((line) => line.includes("ENCRYPTION_KEY"))).toBe(true);
    expect(lines.join("\n")).not.toContain(MALFORMED_KEY);
  });
});
