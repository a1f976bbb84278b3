import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_DETAIL_STRING, MAX_DETAILS_JSON } from "../../src/audit/record.ts";
import { clientSource, recordSecurityEvent, SECURITY_EVENT_WINDOW_MS } from "../../src/audit/security.ts";
import { getDb } from "../../src/db/client.ts";
import worker from "../../src/index.ts";
import { api, bodies } from "../helpers/api.ts";
import { merchant } from "../helpers/auth.ts";
import { newClientAddress, newMerchant } from "../helpers/unique.ts";

interface Entry {
  action: string;
  count: number;
  at: number;
  last_at: number;
  ip: string;
  details: string;
  target_id: string | null;
}

async function entriesFrom(ip: string, action: string) {
  const { results } = await env.DB.prepare("SELECT * FROM audit_log WHERE ip = ? AND action = ? ORDER BY at")
    .bind(ip, action)
    .all<Entry>();
  return results;
}

/**
 * A D1 binding that records every statement, and holds writes to audit_log until released:
 * a request whose answer waited for its audit entry would never answer.
 */
function watchedDb() {
  const statements: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = (sql: string) => /^insert into "audit_log"/i.test(sql);
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), sql);
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          if (held(sql)) await gate;
          return value.apply(target, args);
        };
      },
    });
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare")
        return (sql: string) => {
          statements.push(sql);
          return wrap(target.prepare(sql), sql);
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, statements, release };
}

describe("security events in the audit log", () => {
  it("counts a flood of bad tokens from one address as one entry", async () => {
    const ip = newClientAddress();
    for (let i = 0; i < 40; i++) {
      const res = await api("GET", "/api/integrations", { token: "not-a-jwt", headers: { "CF-Connecting-IP": ip } });
      expect(res.status).toBe(401);
    }
    const [entry, ...more] = await entriesFrom(ip, "auth.token_rejected");
    expect(more).toEqual([]);
    expect(entry?.count).toBe(40);
    expect(entry?.last_at).toBeGreaterThanOrEqual(entry?.at ?? 0);
    expect(JSON.parse(entry?.details ?? "{}")).toMatchObject({ reason: "malformed", path: "/api/integrations" });
  });

  it("keeps separate entries per source and per reason, shown with their count", async () => {
    const [one, two] = [newClientAddress(), newClientAddress()];
    await api("GET", "/api/integrations", { token: "garbage", headers: { "CF-Connecting-IP": one } });
    await api("GET", "/api/integrations", { headers: { "CF-Connecting-IP": one } });
    await api("GET", "/api/integrations", { token: "garbage", headers: { "CF-Connecting-IP": two } });
    expect((await entriesFrom(one, "auth.token_rejected")).map((e) => e.count)).toEqual([1, 1]);
    expect((await entriesFrom(two, "auth.token_rejected")).map((e) => e.count)).toEqual([1]);
  });

  it("starts a new entry when the window has passed", async () => {
    const db = getDb(env);
    const actor = { actor: "anonymous", role: null, merchantId: null, requestId: null, ip: newClientAddress() };
    const event = { action: "auth.token_rejected", outcome: "denied", details: { reason: "expired" } } as const;
    const start = Date.now() - (Date.now() % SECURITY_EVENT_WINDOW_MS);
    await recordSecurityEvent(db, actor, event, start + 1);
    await recordSecurityEvent(db, actor, event, start + SECURITY_EVENT_WINDOW_MS - 1);
    await recordSecurityEvent(db, actor, event, start + SECURITY_EVENT_WINDOW_MS);
    expect((await entriesFrom(actor.ip, "auth.token_rejected")).map((e) => e.count)).toEqual([2, 1]);
  });

  it("stores at most a capped path and capped details, however long the request path", async () => {
    const ip = newClientAddress();
    const path = `/api/integrations/${"x".repeat(60_000)}`;
    const res = await api("GET", path, { token: "garbage", headers: { "CF-Connecting-IP": ip } });
    expect(res.status).toBe(401);
    const [entry] = await entriesFrom(ip, "auth.token_rejected");
    expect(entry?.details.length).toBeLessThanOrEqual(MAX_DETAILS_JSON);
    const details = JSON.parse(entry?.details ?? "{}");
    expect(details.path).toBe(`${path.slice(0, MAX_DETAIL_STRING)}… (${path.length} characters)`);
  });

  it("groups IPv6 sources by /64 and IPv4-mapped addresses as IPv4", () => {
    expect(clientSource("2001:db8:1:2:aaaa::1")).toBe(clientSource("2001:db8:1:2:bbbb::9"));
    expect(clientSource("2001:db8:1:2::1")).not.toBe(clientSource("2001:db8:1:3::1"));
    expect(clientSource("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(clientSource(undefined)).toBe("unknown");
    expect(clientSource("not an address")).toBe("unknown");
  });
});

describe("a foreign id and a missing one cost the same", () => {
  it("answers before the cross-tenant audit entry is written, after the same queries as for a missing id", async () => {
    const [a, b] = [newMerchant("cost-a"), newMerchant("cost-b")];
    const created = await api("POST", "/api/integrations", { token: await merchant(a), body: bodies.csv() });
    expect(created.status).toBe(201);
    const foreignId = created.body.data.id as string;
    const missingId = "int_01J00000000000000000000000";
    const tokenB = await merchant(b);

    const visit = async (id: string) => {
      const watched = watchedDb();
      const ip = newClientAddress();
      const ctx = createExecutionContext();
      const request = new Request(`https://gateway.test/api/integrations/${id}`, {
        headers: { Authorization: `Bearer ${tokenB}`, "CF-Connecting-IP": ip },
      });
      // Resolves although every audit write is held: the answer does not wait for it.
      const res = await worker.fetch(request, { ...env, DB: watched.db } as Env, ctx);
      const beforeAnswer = watched.statements.filter((s) => !/audit_log/.test(s));
      watched.release();
      await waitOnExecutionContext(ctx);
      return { res, beforeAnswer, ip, body: (await res.json()) as { code: string } };
    };

    const foreign = await visit(foreignId);
    const missing = await visit(missingId);
    expect([foreign.res.status, missing.res.status]).toEqual([404, 404]);
    expect(foreign.body.code).toBe(missing.body.code);
    expect(foreign.beforeAnswer).toEqual(missing.beforeAnswer);
    // The entry was written all the same, once the answer had gone.
    const [entry] = await entriesFrom(foreign.ip, "auth.cross_tenant_denied");
    expect(entry).toMatchObject({ target_id: foreignId, count: 1 });
    expect(await entriesFrom(missing.ip, "auth.cross_tenant_denied")).toEqual([]);
  });
});
