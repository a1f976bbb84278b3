import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { importDataKey } from "../../src/crypto/keyring.ts";
import { api, bodies } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";

const KEY_B = "YW5vdGhlci10ZXN0LWtleS10aGF0LWlzLTMyLWJ5dGU="; // 32 bytes, base64
const KEY_C = "dGhpcmQta2V5LXdoaWNoLW5vYm9keS1jb25maWd1cmU="; // 32 bytes, base64
const rotated = { ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_PREVIOUS: env.ENCRYPTION_KEY };

const keyIdOf = async (base64: string) =>
  (await importDataKey(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))).id;
const storedKeyIds = async () =>
  (
    await env.DB.prepare("SELECT id, credentials_key_id AS keyId FROM integrations ORDER BY id").all<{
      id: string;
      keyId: string;
    }>()
  ).results;

describe("GET /api/integrations/system/health", () => {
  it("reports D1, Durable Objects, queues and config as ok, each with a latency", async () => {
    const res = await api("GET", "/api/integrations/system/health", { token: await admin() });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("healthy");
    for (const name of ["database", "durableObjects", "queues", "config"]) {
      expect(res.body.data.checks[name]).toMatchObject({ status: "ok", latencyMs: expect.any(Number) });
    }
  });

  it("reports a missing queue binding as unhealthy", async () => {
    const res = await api("GET", "/api/integrations/system/health", {
      token: await admin(),
      env: { SYNC_QUEUE: undefined },
    });
    expect(res.body.data.status).toBe("unhealthy");
    expect(res.body.data.checks.queues).toMatchObject({ status: "error", message: "SYNC_QUEUE binding is missing" });
  });

  it("is for admins only", async () => {
    expect((await api("GET", "/api/integrations/system/health", { token: await merchant("m1") })).status).toBe(403);
    expect((await api("GET", "/api/integrations/system/health", { token: await viewer() })).status).toBe(403);
  });
});

describe("key rotation with POST /api/integrations/system/reencrypt-credentials", () => {
  it("re-seals every row under the new key in batches, after which the old key can go", async () => {
    const token = await admin();
    for (let i = 0; i < 5; i++) {
      expect((await api("POST", "/api/integrations", { token, body: bodies.logo("m-rot", `Logo ${i}`) })).status).toBe(
        201,
      );
    }
    const oldId = await keyIdOf(env.ENCRYPTION_KEY);
    const newId = await keyIdOf(KEY_B);
    expect((await storedKeyIds()).every((r) => r.keyId === oldId)).toBe(true);

    // During the rotation, reads of old rows still work through ENCRYPTION_KEY_PREVIOUS.
    const first = (await storedKeyIds())[0]?.id;
    const patched = await api("PATCH", `/api/integrations/${first}`, {
      token,
      env: rotated,
      body: { credentials: { password: "rotated-1" } },
    });
    expect(patched.status).toBe(200);

    let after: string | undefined;
    let total = 0;
    for (let round = 0; round < 10; round++) {
      const res = await api("POST", "/api/integrations/system/reencrypt-credentials", {
        token,
        env: rotated,
        body: { limit: 2, after },
      });
      expect(res.status).toBe(200);
      expect(res.body.data.keyId).toBe(newId);
      expect(res.body.data.failed).toEqual([]);
      total += res.body.data.reencrypted;
      after = res.body.data.next ?? undefined;
      if (!after) break;
    }
    // 4 credentials (the patched row was already re-sealed under the new key) and the 5
    // integrations' webhook secrets.
    expect(total).toBe(9);
    expect((await storedKeyIds()).every((r) => r.keyId === newId)).toBe(true);
    const secretKeys = await env.DB.prepare("SELECT DISTINCT key_id AS k FROM webhook_secrets").all<{ k: string }>();
    expect(secretKeys.results).toEqual([{ k: newId }]);

    // With the old key gone, every row still opens (a credentials patch must decrypt to merge).
    const only = { ENCRYPTION_KEY: KEY_B };
    for (const { id } of await storedKeyIds()) {
      const res = await api("PATCH", `/api/integrations/${id}`, {
        token,
        env: only,
        body: { credentials: { username: "after-rotation" } },
      });
      expect(res.status).toBe(200);
    }
    const audit = await api("GET", "/api/audit?action=credentials.reencrypted", { token });
    expect(audit.body.pagination.total).toBeGreaterThanOrEqual(2);
  });

  it("reports rows it cannot open instead of changing them", async () => {
    const token = await admin();
    const created = await api("POST", "/api/integrations", { token, body: bodies.csv("m-lost") });
    const id = created.body.data.id as string;
    const before = await env.DB.prepare("SELECT credentials_ciphertext AS c FROM integrations WHERE id = ?")
      .bind(id)
      .first<{ c: string }>();

    // A gateway whose only key is KEY_C, which sealed nothing.
    const res = await api("POST", "/api/integrations/system/reencrypt-credentials", {
      token,
      env: { ENCRYPTION_KEY: KEY_C },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.reencrypted).toBe(0);
    // Storage is shared by the tests of a file: the earlier test's rows are unreadable too.
    expect(res.body.data.failed).toContainEqual({ id, reason: expect.stringContaining("ENCRYPTION_KEY_PREVIOUS") });
    expect(res.body.data.remaining).toBeGreaterThanOrEqual(1);
    const after = await env.DB.prepare("SELECT credentials_ciphertext AS c FROM integrations WHERE id = ?")
      .bind(id)
      .first<{ c: string }>();
    expect(after?.c).toBe(before?.c);

    // The way out when a key is lost: send the complete credentials again.
    const replaced = await api("PATCH", `/api/integrations/${id}`, {
      token,
      env: { ENCRYPTION_KEY: KEY_C },
      body: { credentials: { url: "https://files.example.com/new.csv" } },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.data.credentials.fieldsSet).toEqual(["url"]);
  });

  it("is for admins only", async () => {
    const res = await api("POST", "/api/integrations/system/reencrypt-credentials", {
      token: await merchant("m1"),
      body: {},
    });
    expect(res.status).toBe(403);
  });
});
