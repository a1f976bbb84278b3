import { beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/audit/query.ts";
import { type ApiResponse, api, bodies } from "../helpers/api.ts";
import { admin, merchant, tokenFor, viewer } from "../helpers/auth.ts";
import { auditRows } from "../helpers/db.ts";
import { pause } from "../helpers/unique.ts";

// One history for the whole file (storage is per file): two merchants' integrations, a change,
// a deletion and a few security events, with known secrets in the credentials.
const A = "merchant-audit-a";
const B = "merchant-audit-b";
const secrets = {
  logoPassword: "Audit-Logo-pa55-A",
  newLogoPassword: "Audit-Logo-rotated-A",
  csvToken: "audit-csv-bearer-B",
  netsisPassword: "audit-netsis-pass-B",
  netsisDbPassword: "audit-netsis-dbpass-B",
  logoSecret: "audit-logo-client-secret-A",
};
const ids = { logoA: "", csvB: "", netsisB: "" };

async function step<T>(work: () => Promise<T>): Promise<T> {
  const result = await work();
  await pause(); // keeps every entry in its own millisecond, so "newest first" is unambiguous
  return result;
}

async function ok(res: Promise<ApiResponse>, status = 200): Promise<ApiResponse> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

/** Every page of `/api/audit?query` for `token`. */
async function readAll(token: string, query = ""): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let page = 1; ; page++) {
    const res = await ok(api("GET", `/api/audit?limit=100&page=${page}${query ? `&${query}` : ""}`, { token }));
    entries.push(...(res.body.data as AuditEntry[]));
    if (page >= res.body.pagination.totalPages) return entries;
  }
}

function expectNewestFirst(entries: AuditEntry[]) {
  const times = entries.map((e) => Date.parse(e.at));
  for (let i = 1; i < times.length; i++) expect(times[i - 1]).toBeGreaterThanOrEqual(times[i] ?? 0);
}

beforeAll(async () => {
  const adminToken = await admin();
  const merchantA = await merchant(A);
  const merchantB = await merchant(B);
  const viewerA = await viewer(A);
  const logo = bodies.logo(A);
  ids.logoA = (
    await step(() =>
      ok(
        api("POST", "/api/integrations", {
          token: adminToken,
          body: {
            ...logo,
            credentials: {
              ...logo.credentials,
              password: secrets.logoPassword,
              clientId: "client-a",
              clientSecret: secrets.logoSecret,
            },
          },
        }),
        201,
      ),
    )
  ).body.data.id;
  ids.csvB = (
    await step(() =>
      ok(
        api("POST", "/api/integrations", {
          token: adminToken,
          body: { ...bodies.csv(B), credentials: { bearerToken: secrets.csvToken } },
        }),
        201,
      ),
    )
  ).body.data.id;
  const netsis = bodies.netsis();
  ids.netsisB = (
    await step(() =>
      ok(
        api("POST", "/api/integrations", {
          token: merchantB,
          body: {
            ...netsis,
            credentials: {
              ...netsis.credentials,
              password: secrets.netsisPassword,
              dbPassword: secrets.netsisDbPassword,
            },
          },
        }),
        201,
      ),
    )
  ).body.data.id;
  await step(() =>
    ok(
      api("PATCH", `/api/integrations/${ids.logoA}`, {
        token: adminToken,
        body: { credentials: { password: secrets.newLogoPassword } },
      }),
    ),
  );
  await step(() => ok(api("DELETE", `/api/integrations/${ids.csvB}`, { token: adminToken })));
  // Security events: a rejected token, a forbidden write, a cross-tenant read.
  await step(() => ok(api("GET", "/api/integrations", { token: "garbage" }), 401));
  await step(() => ok(api("POST", "/api/integrations", { token: viewerA, body: bodies.csv(A) }), 403));
  await step(() => ok(api("GET", `/api/integrations/${ids.netsisB}`, { token: merchantA }), 404));
});

describe("GET /api/audit as admin", () => {
  it("lists every entry, newest first, with actor, role, merchant, target and request id", async () => {
    const res = await ok(api("GET", "/api/audit", { token: await admin() }));
    expect(res.body).toMatchObject({ success: true, requestId: expect.any(String), timestamp: expect.any(String) });
    const entries = res.body.data as AuditEntry[];
    expect(res.body.pagination).toEqual({ page: 1, limit: 50, total: 8, totalPages: 1 });
    expect(entries.map((e) => e.action)).toEqual([
      "auth.cross_tenant_denied",
      "auth.forbidden",
      "auth.token_rejected",
      "integration.deleted",
      "integration.updated",
      "integration.created",
      "integration.created",
      "integration.created",
    ]);
    expectNewestFirst(entries);
    expect(entries.map((e) => e.target?.id ?? null)).toEqual([
      ids.netsisB,
      null,
      null,
      ids.csvB,
      ids.logoA,
      ids.netsisB,
      ids.csvB,
      ids.logoA,
    ]);
    expect(entries.map((e) => e.merchantId)).toEqual([A, A, null, B, A, B, B, A]);
    expect(entries.map((e) => e.role)).toEqual([
      "merchant",
      "viewer",
      null,
      "admin",
      "admin",
      "merchant",
      "admin",
      "admin",
    ]);
    for (const e of entries) {
      expect(e.id).toMatch(/^aud_/);
      expect(e.requestId).toEqual(expect.any(String));
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
  });

  it("pages through the log", async () => {
    const token = await admin();
    const all = (await ok(api("GET", "/api/audit?limit=100", { token }))).body.data as AuditEntry[];
    const pages: AuditEntry[] = [];
    for (const page of [1, 2, 3]) {
      const res = await ok(api("GET", `/api/audit?limit=3&page=${page}`, { token }));
      expect(res.body.pagination).toEqual({ page, limit: 3, total: 8, totalPages: 3 });
      pages.push(...(res.body.data as AuditEntry[]));
    }
    expect(pages.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const past = await ok(api("GET", "/api/audit?limit=3&page=4", { token }));
    expect(past.body.data).toEqual([]);
  });

  it("filters by action, outcome, targetId and merchantId", async () => {
    const token = await admin();
    const created = await readAll(token, "action=integration.created");
    expect(created.map((e) => e.target?.id)).toEqual([ids.netsisB, ids.csvB, ids.logoA]);

    const denied = await readAll(token, "outcome=denied");
    expect(denied.map((e) => e.action)).toEqual(["auth.cross_tenant_denied", "auth.forbidden", "auth.token_rejected"]);
    expect(await readAll(token, "outcome=error")).toEqual([]);

    const logo = await readAll(token, `targetId=${ids.logoA}`);
    expect(logo.map((e) => e.action)).toEqual(["integration.updated", "integration.created"]);

    const ofB = await readAll(token, `merchantId=${B}`);
    expect(ofB.map((e) => e.action)).toEqual(["integration.deleted", "integration.created", "integration.created"]);
    expect(ofB.every((e) => e.merchantId === B)).toBe(true);

    const combined = await readAll(token, `merchantId=${A}&outcome=success&action=integration.updated`);
    expect(combined.map((e) => e.target?.id)).toEqual([ids.logoA]);
    expect(combined[0]?.details).toEqual({ changed: ["credentials.password"] });

    expect(await readAll(token, "action=no.such.action")).toEqual([]);
  });

  it("filters by time: from is inclusive, to is exclusive", async () => {
    const token = await admin();
    const all = await readAll(token);
    const deleted = all.find((e) => e.action === "integration.deleted");
    const forbidden = all.find((e) => e.action === "auth.forbidden");
    if (!deleted || !forbidden) throw new Error("history incomplete");

    const since = await readAll(token, `from=${encodeURIComponent(deleted.at)}`);
    expect(since.map((e) => e.action)).toEqual([
      "auth.cross_tenant_denied",
      "auth.forbidden",
      "auth.token_rejected",
      "integration.deleted",
    ]);

    const before = await readAll(token, `to=${encodeURIComponent(deleted.at)}`);
    expect(before.map((e) => e.action)).toEqual([
      "integration.updated",
      "integration.created",
      "integration.created",
      "integration.created",
    ]);

    const window = await readAll(
      token,
      `from=${encodeURIComponent(deleted.at)}&to=${encodeURIComponent(forbidden.at)}`,
    );
    expect(window.map((e) => e.action)).toEqual(["auth.token_rejected", "integration.deleted"]);

    // An offset form of the same instant means the same thing.
    const at = new Date(deleted.at);
    const plus3 = new Date(at.getTime() + 3 * 3_600_000).toISOString().replace("Z", "+03:00");
    expect(await readAll(token, `from=${encodeURIComponent(plus3)}`)).toEqual(since);

    expect(await readAll(token, "from=2999-01-01T00:00:00Z")).toEqual([]);
    expect(await readAll(token, "to=2000-01-01T00:00:00Z")).toEqual([]);
  });
});

describe("GET /api/audit as a merchant", () => {
  it("shows a merchant only the entries of its own merchant", async () => {
    const ofA = await readAll(await merchant(A));
    expect(ofA.length).toBeGreaterThan(0);
    expect(ofA.every((e) => e.merchantId === A)).toBe(true);
    expect(ofA.map((e) => e.action)).toEqual([
      "auth.cross_tenant_denied",
      "auth.forbidden",
      "integration.updated",
      "integration.created",
    ]);

    const ofB = await readAll(await merchant(B));
    expect(ofB.every((e) => e.merchantId === B)).toBe(true);
    expect(ofB.map((e) => e.target?.id)).toEqual([ids.csvB, ids.netsisB, ids.csvB]);

    // Platform-wide events (no merchant) are not a merchant's business.
    expect(ofA.some((e) => e.action === "auth.token_rejected")).toBe(false);

    const page = await ok(api("GET", "/api/audit?limit=1", { token: await merchant(B) }));
    expect(page.body.pagination).toEqual({ page: 1, limit: 1, total: 3, totalPages: 3 });
  });

  it("narrows filters to the merchant's own entries", async () => {
    const token = await merchant(A);
    const created = await readAll(token, "action=integration.created");
    expect(created.map((e) => e.target?.id)).toEqual([ids.logoA]);
    expect(await readAll(token, `targetId=${ids.csvB}`)).toEqual([]);
    expect((await readAll(token, `merchantId=${A}`)).every((e) => e.merchantId === A)).toBe(true);
  });

  it("shows a merchant's viewer only that merchant's entries", async () => {
    const ofB = await readAll(await viewer(B));
    expect(ofB.map((e) => e.target?.id)).toEqual([ids.csvB, ids.netsisB, ids.csvB]);
  });

  it("answers 403 to a merchant asking for another merchant's entries", async () => {
    for (const token of [await merchant(A), await viewer(A)]) {
      const before = (await auditRows()).length;
      const res = await api("GET", `/api/audit?merchantId=${B}`, { token });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN" });
      expect(JSON.stringify(res.body)).not.toContain(ids.csvB);
      // The refusal itself is audited, under the caller's merchant.
      const rows = await auditRows();
      expect(rows.length).toBe(before + 1);
      const last = rows.at(-1);
      expect(last).toMatchObject({ action: "auth.forbidden", outcome: "denied", merchant_id: A });
    }
  });
});

describe("secrets in the audit log", () => {
  it("never shows a credential value, through the API or in storage", async () => {
    const everything = JSON.stringify(await readAll(await admin()));
    const stored = JSON.stringify(await auditRows());
    expect(everything.length).toBeGreaterThan(100);
    for (const secret of [...Object.values(secrets), "csv-token-1", "s3cret-Logo-pa55", "netsis-pass-1", "db-pass-1"]) {
      expect(everything).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    // Not the token that was refused either.
    expect(everything).not.toContain("garbage");
  });
});

describe("query validation", () => {
  const cases: [string, string][] = [
    ["limit=0", "query.limit"],
    ["limit=101", "query.limit"],
    ["page=0", "query.page"],
    ["from=yesterday", "query.from"],
    ["to=2024-13-01T00:00:00Z", "query.to"],
    ["outcome=maybe", "query.outcome"],
    ["merchantId=..bad..%20id", "query.merchantId"],
  ];
  for (const [query, field] of cases) {
    it(`answers 400 naming ${field} to ?${query}`, async () => {
      const before = (await auditRows()).length;
      const res = await api("GET", `/api/audit?${query}`, { token: await admin() });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(res.body.error).toContain(field);
      expect((await auditRows()).length).toBe(before);
    });
  }

  it("answers 401 without a token", async () => {
    const res = await api("GET", "/api/audit");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHORIZED");
  });

  it("lets a token with an unknown role read nothing", async () => {
    const res = await api("GET", "/api/audit", { token: await tokenFor("viewer", undefined, { role: "auditor" }) });
    expect(res.status).toBe(401);
  });
});
