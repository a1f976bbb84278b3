import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { csvConnector } from "../../src/connectors/csv/definition.ts";
import { MappingDocument } from "../../src/mapping/schema.ts";
import { api } from "../helpers/api.ts";
import { auditOfRequest } from "../helpers/audit.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { csvIntegration, syncToEnd } from "../helpers/integrations.ts";
import { platformRecords, platformRequests } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

/** An ERP export with Turkish column names, which the default mapping does not know. */
const KOD_CSV = ["KOD,AD,BIRIM,MIKTAR", "K-1,çay,AD,5", "K-2,şeker,KG,7", "K-3,un,XX,2"].join("\n");

const KOD_MAPPING = {
  mappings: [
    { sourceField: "KOD", targetField: "products.sku", transformation: "trim", required: true },
    { sourceField: "AD", targetField: "products.name", transformation: "trim|uppercase", required: true },
    { sourceField: "BIRIM", targetField: "products.unit", transformation: "lookup:units" },
    { sourceField: "KOD", targetField: "inventory.sku", transformation: "trim", required: true },
    { sourceField: "MIKTAR", targetField: "inventory.stock", transformation: "parseInt", required: true },
  ],
  lookups: { units: { AD: "piece", KG: "kg" } },
};
/** KOD_MAPPING as the API answers it: defaults filled in. */
const KOD_MAPPING_SAVED = MappingDocument.parse(KOD_MAPPING);
const DEFAULT_MAPPING = MappingDocument.parse(csvConnector.defaultMapping);

const DEFAULT_CSV = ["sku,name,price,stock", "D-1,One,1.50,1", "D-2,Two,2.50,2"].join("\n");

const mappingPath = (id: string) => `/api/integrations/${id}/mappings`;

/** What D1 holds for the integration's mapping and version. */
async function stored(id: string) {
  const row = await env.DB.prepare("SELECT mapping, version FROM integrations WHERE id = ?")
    .bind(id)
    .first<{ mapping: string | null; version: number }>();
  return { mapping: row?.mapping ? JSON.parse(row.mapping) : null, version: row?.version };
}

async function mappingAudits(id: string) {
  const { results } = await env.DB.prepare(
    "SELECT actor, merchant_id, outcome, details FROM audit_log WHERE action = 'integration.mapping_updated' AND target_id = ? ORDER BY id",
  )
    .bind(id)
    .all<{ actor: string; merchant_id: string; outcome: string; details: string }>();
  return results.map((r) => ({ ...r, details: JSON.parse(r.details) }));
}

const fields = (res: { body: { details?: { field: string }[] } }) => (res.body.details ?? []).map((d) => d.field);

describe("GET/PUT/DELETE /api/integrations/{id}/mappings", () => {
  it("shows the connector's default mapping with isDefault true until one is saved", async () => {
    const merchantId = newMerchant("m-map-default");
    const id = await csvIntegration(merchantId, { csv: KOD_CSV });
    for (const token of [await admin(), await merchant(merchantId), await viewer(merchantId)]) {
      const res = await api("GET", mappingPath(id), { token });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ mapping: DEFAULT_MAPPING, isDefault: true });
    }
    expect((await stored(id)).mapping).toBeNull();
  });

  it("saves a valid mapping (200), shows it with isDefault false, audits it, and the next sync uses it", async () => {
    const merchantId = newMerchant("m-map-put");
    const id = await csvIntegration(merchantId, { csv: KOD_CSV });
    const before = await stored(id);
    const put = await api("PUT", mappingPath(id), { token: await merchant(merchantId), body: KOD_MAPPING });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data).toEqual({ mapping: KOD_MAPPING_SAVED, isDefault: false });

    const got = await api("GET", mappingPath(id), { token: await viewer(merchantId) });
    expect(got.body.data).toEqual({ mapping: KOD_MAPPING_SAVED, isDefault: false });
    expect(await stored(id)).toEqual({ mapping: KOD_MAPPING_SAVED, version: (before.version ?? 0) + 1 });
    expect(await mappingAudits(id)).toEqual([
      {
        actor: `merchant-${merchantId}`,
        merchant_id: merchantId,
        outcome: "success",
        details: { rules: 5, lookups: ["units"] },
      },
    ]);

    const run = await syncToEnd(id);
    expect(run.status).toBe("partial");
    expect(run.rejectedSample).toEqual([
      {
        entity: "products",
        key: "K-3",
        field: "products.unit",
        reason: "no entry for 'XX' in lookup table 'units'",
        page: 0,
        row: 3,
      },
    ]);
    expect((await platformRecords(merchantId, "products")).items).toEqual([
      { sku: "K-1", name: "ÇAY", unit: "piece" },
      { sku: "K-2", name: "ŞEKER", unit: "kg" },
    ]);
    expect((await platformRecords(merchantId, "inventory")).items).toEqual([
      { sku: "K-1", stock: 5 },
      { sku: "K-2", stock: 7 },
      { sku: "K-3", stock: 2 },
    ]);
    expect((await platformRecords(merchantId, "prices")).count).toBe(0);
  });

  it("refuses an invalid mapping with 400 naming the rule, and keeps the stored one", async () => {
    const merchantId = newMerchant("m-map-bad");
    const id = await csvIntegration(merchantId, { csv: KOD_CSV });
    const token = await merchant(merchantId);
    expect((await api("PUT", mappingPath(id), { token, body: KOD_MAPPING })).status).toBe(200);
    const before = await stored(id);

    const rule = (targetField: string, extra: Record<string, unknown> = {}) => ({
      sourceField: "KOD",
      targetField,
      ...extra,
    });
    const cases: [string, unknown, string, RegExp][] = [
      [
        "unknown transformation",
        { mappings: [rule("products.sku"), rule("products.name", { transformation: "trim|trimm" })] },
        "mappings.1.transformation",
        /unknown transformation 'trimm'/,
      ],
      [
        "unknown target field",
        { mappings: [rule("products.sku"), rule("products.colour")] },
        "mappings.1.targetField",
        /products has no field 'colour'/,
      ],
      ["unknown entity", { mappings: [rule("orders.sku")] }, "mappings.0.targetField", /unknown entity 'orders'/],
      [
        "lookup of an unknown table",
        {
          mappings: [rule("products.sku"), rule("products.unit", { transformation: "lookup:colours" })],
          lookups: { units: { AD: "piece" } },
        },
        "mappings.1.transformation",
        /no lookup table 'colours'.*units/,
      ],
      [
        "an entity without its sku rule",
        { mappings: [rule("products.sku"), rule("inventory.stock", { transformation: "parseInt" })] },
        "mappings",
        /inventory is mapped but inventory\.sku is not/,
      ],
      ["an empty mappings array", { mappings: [] }, "mappings", /.+/],
      [
        "a target mapped twice",
        { mappings: [rule("products.sku"), rule("products.sku")] },
        "mappings.1.targetField",
        /already mapped by mappings\.0/,
      ],
      [
        "a default the target refuses",
        { mappings: [rule("inventory.sku"), rule("inventory.stock", { defaultValue: -1 })] },
        "mappings.1.defaultValue",
        /negative/,
      ],
      [
        "an unknown rule property",
        { mappings: [rule("products.sku", { transform: "trim" })] },
        "mappings.0.transform",
        /not a known field/,
      ],
      ["a missing body field", { lookups: {} }, "mappings", /required/],
    ];
    for (const [what, body, field, message] of cases) {
      const res = await api("PUT", mappingPath(id), { token, body });
      expect(res.status, what).toBe(400);
      expect(res.body.code, what).toBe("VALIDATION_ERROR");
      expect(fields(res), what).toEqual([field]);
      expect(res.body.details[0].message, what).toMatch(message);
      expect(await stored(id), what).toEqual(before);
    }
    const malformed = await api("PUT", mappingPath(id), {
      token,
      rawBody: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("MALFORMED_REQUEST");
    expect(await stored(id)).toEqual(before);
    expect(await mappingAudits(id)).toHaveLength(1);
    expect((await api("GET", mappingPath(id), { token })).body.data.mapping).toEqual(KOD_MAPPING_SAVED);
  });

  it("goes back to the connector's default on DELETE, audited, and syncs with it again", async () => {
    const merchantId = newMerchant("m-map-delete");
    const id = await csvIntegration(merchantId, { csv: DEFAULT_CSV });
    const token = await merchant(merchantId);
    expect((await api("PUT", mappingPath(id), { token, body: KOD_MAPPING })).status).toBe(200);
    // With KOD_MAPPING the default columns are unknown: every row is rejected.
    expect((await syncToEnd(id, { type: "products" })).progress.itemsPushed).toBe(0);

    const deleted = await api("DELETE", mappingPath(id), { token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ mapping: DEFAULT_MAPPING, isDefault: true });
    expect((await api("GET", mappingPath(id), { token })).body.data).toEqual({
      mapping: DEFAULT_MAPPING,
      isDefault: true,
    });
    expect((await stored(id)).mapping).toBeNull();
    expect((await mappingAudits(id)).map((a) => a.details)).toEqual([
      { rules: 5, lookups: ["units"] },
      { reset: true },
    ]);
    const run = await syncToEnd(id, { type: "products" });
    expect(run.status).toBe("succeeded");
    expect((await platformRecords(merchantId, "products")).items.map((p) => p.sku)).toEqual(["D-1", "D-2"]);
  });

  it("still syncs a mapping stored before prices had one source, leaving its products.price out", async () => {
    const merchantId = newMerchant("m-legacy-price");
    const id = await csvIntegration(merchantId, { csv: DEFAULT_CSV });
    // Stored by an earlier version, which let products carry a price as well.
    const legacy = {
      ...DEFAULT_MAPPING,
      mappings: [
        ...DEFAULT_MAPPING.mappings,
        { sourceField: "price", targetField: "products.price", transformation: "parseDecimal", required: false },
      ],
    };
    await env.DB.prepare("UPDATE integrations SET mapping = ? WHERE id = ?").bind(JSON.stringify(legacy), id).run();
    const run = await syncToEnd(id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect((await platformRecords(merchantId, "products")).items).toEqual([
      { sku: "D-1", name: "One" },
      { sku: "D-2", name: "Two" },
    ]);
    expect((await platformRecords(merchantId, "prices")).items.map((p) => p.price)).toEqual([1.5, 2.5]);
  });

  it("lets a viewer read but not change the mapping (403), and hides it from other merchants (404)", async () => {
    const merchantId = newMerchant("m-map-roles");
    const id = await csvIntegration(merchantId, { csv: KOD_CSV });
    const before = await stored(id);
    const put = await api("PUT", mappingPath(id), { token: await viewer(merchantId), body: KOD_MAPPING });
    expect(put.status).toBe(403);
    expect(put.body.code).toBe("FORBIDDEN");
    expect((await api("DELETE", mappingPath(id), { token: await viewer(merchantId) })).status).toBe(403);
    const other = await merchant(newMerchant("m-map-other"));
    expect((await api("PUT", mappingPath(id), { token: other, body: KOD_MAPPING })).status).toBe(404);
    expect((await api("GET", mappingPath(id), { token: other })).status).toBe(404);
    expect((await api("DELETE", mappingPath(id), { token: other })).status).toBe(404);
    expect(await stored(id)).toEqual(before);
    expect(await mappingAudits(id)).toEqual([]);
  });
});

describe("POST /api/integrations/{id}/mappings/preview", () => {
  const previewPath = (id: string) => `/api/integrations/${id}/mappings/preview`;

  it("maps given rows with the mapping in force: records and rejections with row, field and reason, nothing pushed", async () => {
    const merchantId = newMerchant("m-preview-rows");
    const id = await csvIntegration(merchantId, { csv: DEFAULT_CSV });
    const requestsBefore = (await platformRequests(merchantId)).count;
    const res = await api("POST", previewPath(id), {
      token: await merchant(merchantId),
      body: {
        rows: [
          { sku: "P-1", name: "Kupa", price: "9.90", stock: "4" },
          { sku: "P-2", name: "Şal", price: "abc", stock: "-1" },
          { sku: "P-3", name: "Un", price: "0", stock: "x" },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.source).toBe("rows");
    expect(res.body.data.rowsRead).toBe(3);
    expect(res.body.data.records).toEqual([
      { entity: "products", key: "P-1", row: 1, record: { sku: "P-1", name: "Kupa" } },
      { entity: "inventory", key: "P-1", row: 1, record: { sku: "P-1", stock: 4 } },
      { entity: "prices", key: "P-1", row: 1, record: { sku: "P-1", price: 9.9, currency: "TRY" } },
      { entity: "products", key: "P-2", row: 2, record: { sku: "P-2", name: "Şal" } },
      // Negative stock is sent as none.
      { entity: "inventory", key: "P-2", row: 2, record: { sku: "P-2", stock: 0 } },
      { entity: "products", key: "P-3", row: 3, record: { sku: "P-3", name: "Un" } },
    ]);
    expect(res.body.data.rejected).toEqual([
      { entity: "prices", row: 2, key: "P-2", field: "prices.price", reason: expect.stringMatching(/abc/) },
      { entity: "inventory", row: 3, key: "P-3", field: "inventory.stock", reason: expect.stringMatching(/x/) },
      { entity: "prices", row: 3, key: "P-3", field: "prices.price", reason: expect.stringMatching(/more than 0/) },
    ]);
    expect((await platformRequests(merchantId)).count).toBe(requestsBefore);
    const runs = await env.DB.prepare("SELECT count(*) AS n FROM sync_runs WHERE integration_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(runs?.n).toBe(0);
  });

  it("previews a candidate mapping from the body without saving it", async () => {
    const merchantId = newMerchant("m-preview-candidate");
    const id = await csvIntegration(merchantId, { csv: KOD_CSV });
    const before = await stored(id);
    const res = await api("POST", previewPath(id), {
      token: await merchant(merchantId),
      body: {
        mapping: KOD_MAPPING,
        rows: [
          { KOD: "C-1", AD: "çay", BIRIM: "KG", MIKTAR: "3" },
          { KOD: "C-2", AD: "", MIKTAR: "x" },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.records).toEqual([
      { entity: "products", key: "C-1", row: 1, record: { sku: "C-1", name: "ÇAY", unit: "kg" } },
      { entity: "inventory", key: "C-1", row: 1, record: { sku: "C-1", stock: 3 } },
    ]);
    expect(res.body.data.rejected).toEqual([
      {
        entity: "products",
        row: 2,
        key: "C-2",
        field: "products.name",
        reason: "is required (source field 'AD' is empty)",
      },
      { entity: "inventory", row: 2, key: "C-2", field: "inventory.stock", reason: expect.stringMatching(/'x'/) },
    ]);
    expect(await stored(id)).toEqual(before);
    expect((await api("GET", mappingPath(id), { token: await admin() })).body.data.isDefault).toBe(true);
    expect((await platformRequests(merchantId)).count).toBe(0);
  });

  it("reads the first rows from the connector when no rows are given, honouring limit and entities", async () => {
    const merchantId = newMerchant("m-preview-source");
    const lines = ["sku,name,price,stock"];
    for (let i = 1; i <= 12; i++) lines.push(`S-${i},Item ${i},${i}.25,${i}`);
    lines.splice(3, 0, "S-bad,too few");
    const id = await csvIntegration(merchantId, { csv: lines.join("\n") });
    const token = await merchant(merchantId); // reading from the source needs a writer role (below)

    const limited = await api("POST", previewPath(id), { token, body: { limit: 4 } });
    expect(limited.status, JSON.stringify(limited.body)).toBe(200);
    expect(limited.body.data.source).toBe("connector");
    expect(limited.body.data.rowsRead).toBe(3);
    const keys = (limited.body.data.records as { entity: string; key: string }[])
      .filter((r) => r.entity === "products")
      .map((r) => r.key);
    expect(keys).toEqual(["S-1", "S-2", "S-3"]);
    expect(limited.body.data.rejected).toEqual([
      { entity: null, row: 3, key: "S-bad", field: null, reason: expect.any(String) },
    ]);

    const byDefault = await api("POST", previewPath(id), { token, body: {} });
    expect(byDefault.body.data.rowsRead).toBe(9); // 10 rows read, one of them malformed

    const pricesOnly = await api("POST", previewPath(id), { token, body: { limit: 2, entities: ["prices"] } });
    expect(pricesOnly.body.data.records).toEqual([
      { entity: "prices", key: "S-1", row: 1, record: { sku: "S-1", price: 1.25, currency: "TRY" } },
      { entity: "prices", key: "S-2", row: 2, record: { sku: "S-2", price: 2.25, currency: "TRY" } },
    ]);
    expect((await platformRequests(merchantId)).count).toBe(0);
  });

  it("refuses a viewer reading rows from the merchant's system with 403, audited, calling nothing", async () => {
    const merchantId = newMerchant("m-preview-viewer");
    const id = await csvIntegration(merchantId, { csv: DEFAULT_CSV });
    for (const token of [await viewer(merchantId), await viewer()]) {
      const requestId = `test-${crypto.randomUUID()}`;
      const res = await api("POST", previewPath(id), {
        token,
        body: { limit: 2 },
        headers: { "X-Request-Id": requestId },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN" });
      expect(res.body.error).toMatch(/send sample `rows` in the body, or use a writer token/);
      const audit = (await auditOfRequest(requestId)).filter((e) => e.action === "auth.forbidden");
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ role: "viewer", outcome: "denied" });
      expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({
        method: "POST",
        path: previewPath(id),
        reason: expect.stringContaining("needs role admin or merchant"),
      });
    }
    // Nothing was read from the file host: the interactive budget is whole.
    const guard = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(guard.body.data.interactiveRateLimit.tokens).toBe(guard.body.data.interactiveRateLimit.requests);
  });

  it("lets a viewer preview sample rows given in the body", async () => {
    const merchantId = newMerchant("m-preview-viewer-rows");
    const id = await csvIntegration(merchantId, { csv: DEFAULT_CSV });
    const res = await api("POST", previewPath(id), {
      token: await viewer(merchantId),
      body: { rows: [{ sku: "V-1", name: "Vazo", price: "3.00", stock: "2" }], entities: ["products"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({
      source: "rows",
      rowsRead: 1,
      records: [{ entity: "products", key: "V-1", row: 1, record: { sku: "V-1", name: "Vazo" } }],
      rejected: [],
    });
    const guard = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(guard.body.data.interactiveRateLimit.tokens).toBe(guard.body.data.interactiveRateLimit.requests);
  });

  it("refuses an invalid candidate mapping or body with 400", async () => {
    const merchantId = newMerchant("m-preview-bad");
    const id = await csvIntegration(merchantId, { csv: KOD_CSV });
    const token = await merchant(merchantId);
    const rows = [{ KOD: "B-1" }];
    const bad = await api("POST", previewPath(id), {
      token,
      body: {
        rows,
        mapping: { mappings: [{ sourceField: "KOD", targetField: "products.sku", transformation: "nope" }] },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_ERROR");
    expect(bad.body.details).toHaveLength(1);
    expect(bad.body.details[0].message).toMatch(/unknown transformation 'nope'/);

    const cases: [unknown, string][] = [
      [{ rows, mapping: { mappings: [] } }, "mapping.mappings"],
      [{ rows: [] }, "rows"],
      [{ limit: 51 }, "limit"],
      [{ entities: ["orders"] }, "entities.0"],
      [{ sample: true }, "sample"],
    ];
    for (const [body, field] of cases) {
      const res = await api("POST", previewPath(id), { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fields(res), JSON.stringify(body)).toEqual([field]);
    }
  });

  it("names a candidate mapping's bad rule by its path in the request body (mapping.mappings.N...)", async () => {
    const merchantId = newMerchant("m-preview-path");
    const id = await csvIntegration(merchantId, { csv: KOD_CSV });
    const res = await api("POST", previewPath(id), {
      token: await merchant(merchantId),
      body: {
        rows: [{ KOD: "B-1" }],
        mapping: {
          mappings: [
            { sourceField: "KOD", targetField: "products.sku" },
            { sourceField: "AD", targetField: "products.name", transformation: "nope" },
          ],
        },
      },
    });
    expect(res.status).toBe(400);
    // Schema errors in the same body are reported as `mapping.mappings…`; the semantic ones must be too.
    expect(fields(res)).toEqual(["mapping.mappings.1.transformation"]);
  });

  it("answers 502 UPSTREAM_ERROR when the file host fails, pushing nothing", async () => {
    const merchantId = newMerchant("m-preview-503");
    const id = await csvIntegration(merchantId, { csv: DEFAULT_CSV, fileHeaders: { "x-fail-next": "5" } });
    const res = await api("POST", previewPath(id), { token: await merchant(merchantId), body: {} });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("UPSTREAM_ERROR");
    expect(res.body.error).toMatch(/503/);
    expect((await platformRequests(merchantId)).count).toBe(0);
  });

  it("hides another merchant's integration (404)", async () => {
    const id = await csvIntegration(newMerchant("m-preview-owner"), { csv: KOD_CSV });
    const res = await api("POST", previewPath(id), {
      token: await merchant(newMerchant("m-preview-other")),
      body: { rows: [{ KOD: "X" }] },
    });
    expect(res.status).toBe(404);
  });
});
