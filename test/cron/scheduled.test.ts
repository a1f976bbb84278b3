import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";

const DAY = 86_400_000;

async function insertAudit(id: string, at: number) {
  await env.DB.prepare(
    "INSERT INTO audit_log (id, at, actor, action, outcome) VALUES (?, ?, 'system', 'test.event', 'success')",
  )
    .bind(id, at)
    .run();
}

describe("scheduled()", () => {
  it("daily maintenance removes audit entries older than AUDIT_RETENTION_DAYS and keeps the rest", async () => {
    const now = Date.UTC(2026, 10, 28, 3, 0, 0);
    await insertAudit("aud_old", now - 366 * DAY);
    await insertAudit("aud_edge", now - 364 * DAY);
    await insertAudit("aud_new", now - DAY);
    await worker.scheduled(createScheduledController({ cron: "0 3 * * *", scheduledTime: now }), env);

    const left = await env.DB.prepare("SELECT id FROM audit_log WHERE action = 'test.event' ORDER BY id").all<{
      id: string;
    }>();
    expect(left.results.map((r) => r.id)).toEqual(["aud_edge", "aud_new"]);
  });

  it("honours a shorter retention from the environment", async () => {
    const now = Date.UTC(2026, 10, 28, 3, 0, 0);
    await insertAudit("aud_week", now - 8 * DAY);
    await worker.scheduled(createScheduledController({ cron: "0 3 * * *", scheduledTime: now }), {
      ...env,
      AUDIT_RETENTION_DAYS: "7",
    });
    const left = await env.DB.prepare("SELECT id FROM audit_log WHERE id = 'aud_week'").all();
    expect(left.results).toEqual([]);
  });

  it("warns, without failing, about a cron that has no job (a wrangler.toml out of step)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const before = await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
    await expect(
      worker.scheduled(createScheduledController({ cron: "*/7 * * * *", scheduledTime: Date.now() }), {
        ...env,
        LOG_LEVEL: "warn",
      }),
    ).resolves.toBeUndefined();
    const after = await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
    expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toMatchObject({ level: "warn", cron: "*/7 * * * *" });
    warn.mockRestore();
  });

  it("has a job for every cron that wrangler.toml declares", async () => {
    const { CRON_JOBS } = await import("../../src/cron/index.ts");
    expect(Object.keys(CRON_JOBS).sort()).toEqual([...env.TEST_CRONS].sort());
    expect(env.TEST_CRONS.length).toBeGreaterThan(0);
  });

  it("fails the invocation, so the runtime records it, when the configuration is broken", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(
      worker.scheduled(createScheduledController({ cron: "0 3 * * *" }), { ...env, ENCRYPTION_KEY: "short" }),
    ).rejects.toThrow(/ENCRYPTION_KEY/);
    expect(JSON.parse(String(error.mock.calls[0]?.[0]))).toMatchObject({ level: "error", message: "cron job failed" });
    error.mockRestore();
  });
});
