import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/audit/query.ts";
import { api, bodies } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { auditRows, integrationRow, integrationRows, storedCredentials } from "../helpers/db.ts";
import { newMerchant, pause } from "../helpers/unique.ts";

/** The settings every connector has, with their defaults (src/connectors/definition.ts). */
const BASE_DEFAULTS = {
  pageSize: 500,
  deletions: "deactivate",
  deletionsMaxPercent: 50,
  circuitFailureThreshold: 3,
  circuitCooldownSeconds: 30,
  circuitMaxCooldownSeconds: 1800,
  rateLimitRequests: 10,
  rateLimitPer: "second",
  interactiveRateLimitRequests: 20,
  interactiveRateLimitPer: "minute",
  webhookDedupeHours: 72,
  webhook: { scheme: "seed", toleranceSeconds: 300, secretOverlapHours: 24, mapping: "events" },
};

/**
 * Creates through the API; the answer's `warnings` (none for these bodies) and its webhook
 * secret (shown on creation only) are checked and left out.
 */
async function create(body: unknown, token?: string) {
  const res = await api("POST", "/api/integrations", { token: token ?? (await admin()), body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.data.warnings).toEqual([]);
  expect(res.body.data.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  delete res.body.data.warnings;
  delete res.body.data.webhookSecret;
  return res;
}

/** The settings a Logo integration gets from bodies.logo, defaults filled in. */
const LOGO_SETTINGS = {
  syncInterval: 300_000,
  ...BASE_DEFAULTS,
  periodNo: 2,
  warehouseNo: -1,
  currency: "TRY",
  incrementalOverlapSeconds: 60,
  completeReadEveryHours: 24,
  longOrderNumbers: "map",
};

/** Every audit entry, all pages, as an admin sees them. */
async function allAudit(query = ""): Promise<AuditEntry[]> {
  const token = await admin();
  const entries: AuditEntry[] = [];
  for (let page = 1; ; page++) {
    const res = await api("GET", `/api/audit?limit=100&page=${page}${query}`, { token });
    expect(res.status).toBe(200);
    entries.push(...(res.body.data as AuditEntry[]));
    if (page >= res.body.pagination.totalPages) return entries;
  }
}

describe("POST /api/integrations", () => {
  it("creates a logo integration for the merchant an admin names, with defaults filled in and secrets hidden", async () => {
    const merchantId = newMerchant("m-logo");
    const body = bodies.logo(merchantId);
    const res = await api("POST", "/api/integrations", { token: await admin(), body });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ success: true, requestId: expect.any(String), timestamp: expect.any(String) });
    const data = res.body.data;
    expect(data.id).toMatch(/^int_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.headers.get("Location")).toBe(`/api/integrations/${data.id}`);
    expect(data).toMatchObject({
      merchantId,
      name: body.name,
      type: "hybrid",
      connector: "logo",
      status: "active",
      settings: LOGO_SETTINGS,
      credentials: { fieldsSet: ["endpoint", "firmNo", "password", "username"] },
    });
    expect(data.credentials).toEqual({ fieldsSet: ["endpoint", "firmNo", "password", "username"] });
    expect(data.createdAt).toBe(data.updatedAt);
    expect(new Date(data.createdAt).toISOString()).toBe(data.createdAt);

    const text = JSON.stringify(res.body);
    expect(text).not.toContain(body.credentials.password);
    expect(text).not.toContain(body.credentials.username);

    const row = await integrationRow(data.id);
    expect(row).not.toBeNull();
    expect(row?.merchant_id).toBe(merchantId);
    expect(row?.credentials_key_id).toMatch(/^[0-9a-f]{16}$/);
    const ciphertext = row?.credentials_ciphertext ?? "";
    expect(ciphertext.length).toBeGreaterThan(0);
    expect(ciphertext).not.toContain(body.credentials.password);
    expect(ciphertext).not.toContain(btoa(body.credentials.password).replace(/=+$/, ""));
    expect(ciphertext).not.toContain(body.credentials.username);
    expect(JSON.stringify(row)).not.toContain(body.credentials.password);
    expect(JSON.parse(row?.credential_fields ?? "null")).toEqual(["endpoint", "firmNo", "password", "username"]);
    // What is sealed is what was sent.
    expect(await storedCredentials(data.id)).toEqual(body.credentials);
  });

  it("accepts the seed's Create Integration example as written, with a warning for each field Logo does not use", async () => {
    const merchantId = newMerchant("m-seed");
    // The seed README's example, plus the firm number Logo needs (written as screens show it).
    const body = {
      merchantId,
      name: "Main Store Logo ERP",
      type: "hybrid",
      connector: "logo",
      credentials: {
        endpoint: "https://erp.example.com/api",
        username: "integration_user",
        password: "secure_password",
        apiKey: "logo_api_key_123",
        firmNo: "001",
      },
      settings: { syncInterval: 300000, warehouseCode: "MAIN", priceListCode: "RETAIL" },
    };
    const res = await api("POST", "/api/integrations", { token: await admin(), body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const data = res.body.data;
    expect(data.warnings).toEqual([
      {
        field: "credentials.apiKey",
        message:
          "not used by the Logo ERP (Logo Objects REST) connector; ignored and not stored. Logo Objects REST logs in with username, password and firmNo",
      },
      {
        field: "settings.warehouseCode",
        message:
          "not used by the Logo ERP (Logo Objects REST) connector; ignored and not stored. Logo numbers its warehouses: set settings.warehouseNo (INVENNO; -1 is all)",
      },
      { field: "credentials.endpoint", message: "Logo Objects REST is called at https://erp.example.com/api/v1" },
    ]);
    expect(data.settings).toEqual({ ...LOGO_SETTINGS, periodNo: 1, priceListCode: "RETAIL" });
    expect(data.credentials.fieldsSet).toEqual(["endpoint", "firmNo", "password", "username"]);
    expect(JSON.stringify(res.body)).not.toContain("logo_api_key_123");
    const { apiKey: _dropped, ...kept } = body.credentials;
    expect(await storedCredentials(data.id)).toEqual({ ...kept, firmNo: 1 });
    expect(JSON.stringify(await integrationRow(data.id))).not.toContain("MAIN");
  });

  it("refuses a Netsis depot that is not a number, saying what it must be", async () => {
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      body: { ...bodies.netsis(newMerchant("m-depot")), settings: { warehouseCode: "MAIN" } },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { field: "settings.warehouseCode", message: "must be a whole number from 0 to 99999" },
    ]);
  });

  it("creates for the token's own merchant when a merchant leaves merchantId out", async () => {
    const merchantId = newMerchant("m-self");
    const res = await create(bodies.csv(), await merchant(merchantId));

    expect(res.body.data.merchantId).toBe(merchantId);
    expect(res.body.data.connector).toBe("csv");
    expect(res.body.data.type).toBe("polling");
    expect(res.body.data.settings).toEqual({
      syncInterval: 300_000,
      ...BASE_DEFAULTS,
      deletions: "ignore",
      delimiter: ";",
      encoding: "utf-8",
      decimalSeparator: ",",
      hasHeader: true,
    });
    expect(res.body.data.credentials.fieldsSet).toEqual(["bearerToken", "url"]);
    expect((await integrationRow(res.body.data.id))?.merchant_id).toBe(merchantId);
  });

  it("accepts a merchant naming its own merchantId", async () => {
    const merchantId = newMerchant("m-own");
    const res = await create(bodies.netsis(merchantId), await merchant(merchantId));
    expect(res.body.data.merchantId).toBe(merchantId);
    expect(res.body.data.settings).toEqual({
      syncInterval: 300_000,
      ...BASE_DEFAULTS,
      currency: "TRY",
      longOrderNumbers: "map",
    });
    expect(res.body.data.credentials.fieldsSet).toEqual([
      "branchCode",
      "dbName",
      "dbPassword",
      "dbUser",
      "endpoint",
      "password",
      "username",
    ]);
  });
});

describe("GET /api/integrations/:id", () => {
  it("shows the integration to an admin, the owning merchant, that merchant's viewer and a global viewer", async () => {
    const merchantId = newMerchant("m-get");
    const { body } = await create(bodies.logo(merchantId));
    const created = body.data;

    for (const token of [await admin(), await merchant(merchantId), await viewer(merchantId), await viewer()]) {
      const res = await api("GET", `/api/integrations/${created.id}`, { token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, requestId: expect.any(String), timestamp: expect.any(String) });
      // One field more than the create answer: the scheduled health check, none yet.
      expect(res.body.data).toEqual({ ...created, health: null });
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(JSON.stringify(res.body)).not.toContain(bodies.logo().credentials.password);
    }
  });
});

describe("GET /api/integrations", () => {
  it("pages through the merchant's integrations, newest first", async () => {
    const merchantId = newMerchant("m-page");
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await create(bodies.csv(merchantId, `feed ${i}`));
      ids.push(res.body.data.id);
      await pause();
    }
    const newestFirst = [...ids].reverse();
    const token = await admin();

    const page2 = await api("GET", `/api/integrations?merchantId=${merchantId}&limit=2&page=2`, { token });
    expect(page2.status).toBe(200);
    expect(page2.body.pagination).toEqual({ page: 2, limit: 2, total: 5, totalPages: 3 });
    expect(page2.body.data.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(2, 4));

    const page3 = await api("GET", `/api/integrations?merchantId=${merchantId}&limit=2&page=3`, { token });
    expect(page3.body.pagination).toEqual({ page: 3, limit: 2, total: 5, totalPages: 3 });
    expect(page3.body.data.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(4));

    const all = await api("GET", `/api/integrations?merchantId=${merchantId}`, { token });
    expect(all.body.pagination).toEqual({ page: 1, limit: 50, total: 5, totalPages: 1 });
    expect(all.body.data.map((i: { id: string }) => i.id)).toEqual(newestFirst);
    const createdAts = all.body.data.map((i: { createdAt: string }) => i.createdAt);
    expect([...createdAts].sort().reverse()).toEqual(createdAts);
    expect(JSON.stringify(all.body)).not.toContain("csv-token-1");

    const beyond = await api("GET", `/api/integrations?merchantId=${merchantId}&limit=2&page=9`, { token });
    expect(beyond.status).toBe(200);
    expect(beyond.body.data).toEqual([]);
    expect(beyond.body.pagination).toEqual({ page: 9, limit: 2, total: 5, totalPages: 3 });
  });

  it("filters by connector, status, type and merchantId for an admin", async () => {
    const a = newMerchant("m-fa");
    const b = newMerchant("m-fb");
    const token = await admin();
    const logoA = (await create(bodies.logo(a))).body.data;
    const csvA = (await create(bodies.csv(a))).body.data;
    const netsisA = (await create({ ...bodies.netsis(a), status: "paused", type: "webhook" })).body.data;
    const logoB = (await create(bodies.logo(b))).body.data;

    const ids = async (query: string) => {
      const res = await api("GET", `/api/integrations?${query}`, { token });
      expect(res.status).toBe(200);
      return (res.body.data as { id: string }[]).map((i) => i.id).sort();
    };

    expect(await ids(`merchantId=${a}`)).toEqual([logoA.id, csvA.id, netsisA.id].sort());
    expect(await ids(`merchantId=${b}`)).toEqual([logoB.id]);
    expect(await ids(`merchantId=${a}&connector=logo`)).toEqual([logoA.id]);
    expect(await ids(`merchantId=${a}&status=paused`)).toEqual([netsisA.id]);
    expect(await ids(`merchantId=${a}&status=active`)).toEqual([logoA.id, csvA.id].sort());
    expect(await ids(`merchantId=${a}&type=webhook`)).toEqual([netsisA.id]);
    expect(await ids(`merchantId=${a}&type=hybrid`)).toEqual([logoA.id]);
    expect(await ids(`merchantId=${a}&type=polling`)).toEqual([csvA.id]);
    expect(await ids(`merchantId=${a}&connector=logo&status=paused`)).toEqual([]);

    // Without merchantId an admin sees every merchant's.
    const everyLogo = await ids("connector=logo&limit=100");
    expect(everyLogo).toEqual(expect.arrayContaining([logoA.id, logoB.id]));
    expect(everyLogo).not.toContain(csvA.id);
  });

  it("shows a merchant only its own integrations", async () => {
    const a = newMerchant("m-la");
    const b = newMerchant("m-lb");
    const mine = (await create(bodies.logo(a))).body.data;
    await create(bodies.logo(b));
    await create(bodies.csv(b));

    for (const query of ["", `?merchantId=${a}`, "?connector=csv", "?limit=100"]) {
      const res = await api("GET", `/api/integrations${query}`, { token: await merchant(a) });
      expect(res.status).toBe(200);
      const merchants = new Set((res.body.data as { merchantId: string }[]).map((i) => i.merchantId));
      expect([...merchants].every((m) => m === a)).toBe(true);
    }
    const own = await api("GET", "/api/integrations", { token: await merchant(a) });
    expect(own.body.data).toEqual([mine]);
    expect(own.body.pagination.total).toBe(1);

    const scopedViewer = await api("GET", "/api/integrations", { token: await viewer(a) });
    expect(scopedViewer.body.data).toEqual([mine]);
  });
});

describe("PATCH /api/integrations/:id", () => {
  it("changes name and status and advances updatedAt", async () => {
    const merchantId = newMerchant("m-ren");
    const created = (await create(bodies.logo(merchantId))).body.data;
    await pause(10);

    const res = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await merchant(merchantId),
      body: { name: "Renamed ERP", status: "paused" },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: created.id,
      name: "Renamed ERP",
      status: "paused",
      settings: created.settings,
      credentials: created.credentials,
      createdAt: created.createdAt,
    });
    expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

    const row = await integrationRow(created.id);
    expect(row).toMatchObject({
      name: "Renamed ERP",
      status: "paused",
      updated_at: Date.parse(res.body.data.updatedAt),
    });
    const got = await api("GET", `/api/integrations/${created.id}`, { token: await admin() });
    const { warnings, ...patched } = res.body.data;
    expect(warnings).toEqual([]);
    expect(got.body.data).toEqual({ ...patched, health: null });
  });

  it("merges settings into the stored ones", async () => {
    const merchantId = newMerchant("m-set");
    const created = (await create(bodies.logo(merchantId))).body.data;

    const res = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await admin(),
      body: { settings: { syncInterval: 600_000, priceListCode: "PL1" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.settings).toEqual({ ...LOGO_SETTINGS, syncInterval: 600_000, priceListCode: "PL1" });
    expect(JSON.parse((await integrationRow(created.id))?.settings ?? "null")).toEqual(res.body.data.settings);

    // null removes an optional setting and puts a defaulted one back to its default.
    const removed = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await admin(),
      body: { settings: { priceListCode: null, syncInterval: null } },
    });
    expect(removed.status).toBe(200);
    expect(removed.body.data.settings).toEqual(LOGO_SETTINGS);
  });

  it("answers a seed field the connector does not use with a warning, and changes nothing", async () => {
    const merchantId = newMerchant("m-warn");
    const created = (await create(bodies.logo(merchantId))).body.data;
    const res = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await admin(),
      body: { settings: { warehouseCode: 3 } },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.warnings.map((w: { field: string }) => w.field)).toEqual(["settings.warehouseCode"]);
    expect(res.body.data.settings).toEqual(created.settings);
    expect(res.body.data.updatedAt).toBe(created.updatedAt);
  });

  it("changes one credential and keeps the others", async () => {
    const merchantId = newMerchant("m-cred");
    const body = bodies.logo(merchantId);
    const created = (await create(body)).body.data;
    const before = await integrationRow(created.id);
    await pause(10);

    const res = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await merchant(merchantId),
      body: { credentials: { password: "n3w-Logo-pa55" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.credentials).toEqual({ fieldsSet: ["endpoint", "firmNo", "password", "username"] });
    expect(JSON.stringify(res.body)).not.toContain("n3w-Logo-pa55");
    expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

    const after = await integrationRow(created.id);
    expect(after?.credentials_ciphertext).not.toBe(before?.credentials_ciphertext);
    expect(after?.credentials_ciphertext).not.toContain("n3w-Logo-pa55");
    expect(after?.credentials_key_id).toBe(before?.credentials_key_id);
    expect(await storedCredentials(created.id)).toEqual({ ...body.credentials, password: "n3w-Logo-pa55" });

    // The merged set is still complete: a further partial change validates against it.
    const next = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await merchant(merchantId),
      body: { credentials: { firmNo: 7 } },
    });
    expect(next.status).toBe(200);
    expect(next.body.data.credentials.fieldsSet).toEqual(["endpoint", "firmNo", "password", "username"]);
    expect(await storedCredentials(created.id)).toEqual({ ...body.credentials, password: "n3w-Logo-pa55", firmNo: 7 });
  });

  it("removes an optional credential sent as null", async () => {
    const merchantId = newMerchant("m-null");
    const created = (await create(bodies.csv(merchantId))).body.data;
    expect(created.credentials.fieldsSet).toEqual(["bearerToken", "url"]);
    const before = await integrationRow(created.id);

    const res = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await admin(),
      body: { credentials: { bearerToken: null } },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.credentials).toEqual({ fieldsSet: ["url"] });

    const after = await integrationRow(created.id);
    expect(after?.credentials_ciphertext).not.toBe(before?.credentials_ciphertext);
    expect(JSON.parse(after?.credential_fields ?? "null")).toEqual(["url"]);
    expect(await storedCredentials(created.id)).toEqual({ url: "https://files.example.com/stock.csv" });

    // Switching to basic auth afterwards is a valid merged set.
    const basic = await api("PATCH", `/api/integrations/${created.id}`, {
      token: await admin(),
      body: { credentials: { username: "feed", password: "feed-pass-9" } },
    });
    expect(basic.status).toBe(200);
    expect(basic.body.data.credentials.fieldsSet).toEqual(["password", "url", "username"]);
  });
});

describe("concurrent changes to one integration", () => {
  it("keeps both of two concurrent credential changes (the later one is merged onto the earlier)", async () => {
    const merchantId = newMerchant("m-race");
    const body = bodies.logo(merchantId);
    const { id } = (await create(body)).body.data;
    const token = await merchant(merchantId);

    const [rotate, refirm] = await Promise.all([
      api("PATCH", `/api/integrations/${id}`, { token, body: { credentials: { password: "Race-rotated-pa55" } } }),
      api("PATCH", `/api/integrations/${id}`, { token, body: { credentials: { firmNo: 9 } } }),
    ]);
    expect([rotate.status, refirm.status]).toEqual([200, 200]);

    // Both successes are what is stored: neither may be silently undone by the other.
    const stored = await storedCredentials(id);
    expect(stored.password).toBe("Race-rotated-pa55");
    expect(stored.firmNo).toBe(9);
    expect((await integrationRow(id))?.version).toBe(3);
  });

  it("lets only one of two concurrent DELETEs succeed, and audits the deletion once", async () => {
    const merchantId = newMerchant("m-race-del2");
    const { id } = (await create(bodies.netsis(merchantId))).body.data;
    const token = await merchant(merchantId);

    const statuses = (
      await Promise.all([
        api("DELETE", `/api/integrations/${id}`, { token }),
        api("DELETE", `/api/integrations/${id}`, { token }),
      ])
    ).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 404]);
    const audit = await api("GET", `/api/audit?targetId=${id}&action=integration.deleted`, { token: await admin() });
    expect(audit.body.pagination.total).toBe(1);
  });

  it("does not report a change to an integration deleted at the same time", async () => {
    const merchantId = newMerchant("m-race-del");
    const { id } = (await create(bodies.logo(merchantId))).body.data;
    const token = await merchant(merchantId);

    const [deleted, patched] = await Promise.all([
      api("DELETE", `/api/integrations/${id}`, { token }),
      api("PATCH", `/api/integrations/${id}`, { token, body: { name: "Renamed while deleted" } }),
    ]);
    expect(deleted.status).toBe(200);
    expect(await integrationRow(id)).toBeNull();

    // Oldest first: nothing may be recorded as done to the integration after its deletion,
    // and a PATCH answered 200 must have happened before it.
    const audit = await api("GET", `/api/audit?targetId=${id}`, { token: await admin() });
    const actions = (audit.body.data as AuditEntry[]).map((e) => e.action).reverse();
    expect(actions.at(-1)).toBe("integration.deleted");
    if (patched.status === 200)
      expect(actions).toEqual(["integration.created", "integration.updated", "integration.deleted"]);
    else expect([404, 409]).toContain(patched.status);
  });
});

describe("DELETE /api/integrations/:id", () => {
  it("deletes the integration, after which it is gone", async () => {
    const merchantId = newMerchant("m-del");
    const created = (await create(bodies.logo(merchantId))).body.data;

    const res = await api("DELETE", `/api/integrations/${created.id}`, { token: await merchant(merchantId) });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data).toEqual(created);

    const got = await api("GET", `/api/integrations/${created.id}`, { token: await admin() });
    expect(got.status).toBe(404);
    expect(got.body).toMatchObject({ success: false, code: "NOT_FOUND" });
    expect(await integrationRow(created.id)).toBeNull();

    const again = await api("DELETE", `/api/integrations/${created.id}`, { token: await merchant(merchantId) });
    expect(again.status).toBe(404);
    expect(await integrationRows(merchantId)).toEqual([]);
  });
});

describe("the audit trail of an integration's life", () => {
  it("records created, updated and deleted with who, where and which fields, and never a secret", async () => {
    const merchantId = newMerchant("m-life");
    const body = bodies.logo(merchantId);
    const newPassword = "Rotated-Logo-pa55-42";

    const createdRes = await create(body, await merchant(merchantId));
    const id = createdRes.body.data.id as string;
    await pause();
    const patchRes = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { name: "Renamed", settings: { syncInterval: 900_000 }, credentials: { password: newPassword } },
    });
    expect(patchRes.status).toBe(200);
    await pause();
    const deleteRes = await api("DELETE", `/api/integrations/${id}`, { token: await merchant(merchantId) });
    expect(deleteRes.status).toBe(200);

    const res = await api("GET", `/api/audit?targetId=${id}`, { token: await admin() });
    expect(res.status).toBe(200);
    const entries = res.body.data as AuditEntry[];
    expect(entries.map((e) => e.action)).toEqual(["integration.deleted", "integration.updated", "integration.created"]);
    const [deleted, updated, created] = entries;

    expect(created).toMatchObject({
      actor: `merchant-${merchantId}`,
      role: "merchant",
      merchantId,
      outcome: "success",
      target: { type: "integration", id },
      requestId: createdRes.body.requestId,
      details: {
        name: body.name,
        connector: "logo",
        type: "hybrid",
        fieldsSet: ["endpoint", "firmNo", "password", "username"],
      },
    });
    expect(updated).toMatchObject({
      actor: "admin-platform",
      role: "admin",
      merchantId,
      outcome: "success",
      target: { type: "integration", id },
      requestId: patchRes.body.requestId,
    });
    expect([...((updated?.details?.changed as string[] | undefined) ?? [])].sort()).toEqual([
      "credentials.password",
      "name",
      "settings.syncInterval",
    ]);
    expect(deleted).toMatchObject({
      actor: `merchant-${merchantId}`,
      role: "merchant",
      merchantId,
      outcome: "success",
      target: { type: "integration", id },
      requestId: deleteRes.body.requestId,
      details: { name: "Renamed", connector: "logo" },
    });
    for (const entry of entries) expect(Date.parse(entry.at)).not.toBeNaN();

    // No secret anywhere in the audit log, neither as the API shows it nor as stored.
    const secrets = [body.credentials.password, newPassword, body.credentials.username];
    const everything = JSON.stringify(await allAudit());
    const stored = JSON.stringify(await auditRows());
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });
});
