import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ApiResponse, api, bodies } from "../helpers/api.ts";
import { admin, merchant } from "../helpers/auth.ts";
import { auditCount, integrationRow, integrationRows, type StoredIntegration } from "../helpers/db.ts";
import { createLogo } from "../helpers/integrations.ts";
import { newMerchant } from "../helpers/unique.ts";

interface FieldIssue {
  field: string;
  message: string;
}

/** A 400 VALIDATION_ERROR whose details and message both name `field`. */
function expectFieldError(res: ApiResponse, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({
    success: false,
    code: "VALIDATION_ERROR",
    error: expect.any(String),
    timestamp: expect.any(String),
    requestId: expect.any(String),
  });
  const details = res.body.details as FieldIssue[];
  expect(details.map((d) => d.field)).toContain(field);
  for (const d of details) expect(d.message).toEqual(expect.any(String));
  expect(res.body.error).toContain(field);
  return details.find((d) => d.field === field) as FieldIssue;
}

/** POSTs as admin and checks that the merchant still has no integration afterwards. */
async function rejectedCreate(merchantId: string, body: unknown, env?: Record<string, unknown>) {
  const res = await api("POST", "/api/integrations", { token: await admin(), body, ...(env ? { env } : {}) });
  expect(await integrationRows(merchantId)).toEqual([]);
  return res;
}

async function createCsv(merchantId: string, credentials?: Record<string, unknown>) {
  const body = { ...bodies.csv(merchantId), ...(credentials ? { credentials } : {}) };
  const res = await api("POST", "/api/integrations", { token: await admin(), body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; merchantId: string };
}

describe("create: body validation", () => {
  it("names credentials.firmNo when a logo body lacks it", async () => {
    const merchantId = newMerchant("m-firm");
    const body = bodies.logo(merchantId);
    const { firmNo: _omitted, ...credentials } = body.credentials;
    const res = await rejectedCreate(merchantId, { ...body, credentials });

    const issue = expectFieldError(res, "credentials.firmNo");
    expect(res.body.details[0].field).toBe("credentials.firmNo");
    expect(issue.message).toBe("is required");
    expect(res.body.error).toContain("credentials.firmNo: is required");
    // The rejected body's secrets are not echoed back.
    expect(JSON.stringify(res.body)).not.toContain(body.credentials.password);
  });

  it("names connector when the connector is unknown, listing the known ones", async () => {
    const merchantId = newMerchant("m-conn");
    const res = await rejectedCreate(merchantId, { ...bodies.logo(merchantId), connector: "sap" });
    const issue = expectFieldError(res, "connector");
    expect(issue.message).toContain("logo");
    expect(issue.message).toContain("netsis");
    expect(issue.message).toContain("csv");
  });

  it("names an unknown top-level field", async () => {
    const merchantId = newMerchant("m-top");
    const res = await rejectedCreate(merchantId, { ...bodies.logo(merchantId), colour: "blue" });
    expect(expectFieldError(res, "colour").message).toBe("is not a known field");
  });

  it("names an unknown credentials field (only the seed API's own fields are accepted with a warning)", async () => {
    const merchantId = newMerchant("m-ucred");
    const body = bodies.logo(merchantId);
    const res = await rejectedCreate(merchantId, { ...body, credentials: { ...body.credentials, apiToken: "k-123" } });
    expect(expectFieldError(res, "credentials.apiToken").message).toBe("is not a known field");
    expect(JSON.stringify(res.body)).not.toContain("k-123");
  });

  it("names a misspelt setting rather than ignoring it", async () => {
    const merchantId = newMerchant("m-uset");
    const body = bodies.logo(merchantId);
    const res = await rejectedCreate(merchantId, { ...body, settings: { ...body.settings, warehouseNumber: 2 } });
    expect(expectFieldError(res, "settings.warehouseNumber").message).toBe("is not a known field");
  });

  it("names settings.syncInterval when it is below a minute", async () => {
    const merchantId = newMerchant("m-sync");
    const body = bodies.logo(merchantId);
    const res = await rejectedCreate(merchantId, { ...body, settings: { ...body.settings, syncInterval: 1000 } });
    expect(expectFieldError(res, "settings.syncInterval").message).toContain("60000");
  });

  it("names merchantId when an admin leaves it out", async () => {
    const before = await auditCount();
    const res = await api("POST", "/api/integrations", { token: await admin(), body: bodies.logo() });
    expect(expectFieldError(res, "merchantId").message).toContain("required");
    expect(await auditCount()).toBe(before);
  });
});

describe("create: outbound URL policy", () => {
  const endpoints = [
    ["http://erp.example.com", "https"],
    ["https://10.0.0.5/api", "private"],
    ["https://169.254.169.254/", "link-local"],
    ["https://user:pw@erp.example.com/", "user name or password"],
    ["http://127.0.0.1:8790", "loopback"],
  ] as const;

  for (const [endpoint, reason] of endpoints) {
    it(`rejects credentials.endpoint ${endpoint}`, async () => {
      const merchantId = newMerchant("m-url");
      const body = bodies.logo(merchantId);
      const res = await rejectedCreate(merchantId, { ...body, credentials: { ...body.credentials, endpoint } });
      expect(expectFieldError(res, "credentials.endpoint").message).toContain(reason);
      expect(JSON.stringify(res.body)).not.toContain("pw@");
    });
  }

  it("accepts a loopback http endpoint when ALLOW_LOOPBACK_HTTP is on", async () => {
    const merchantId = newMerchant("m-loop");
    const body = bodies.logo(merchantId);
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      body: { ...body, credentials: { ...body.credentials, endpoint: "http://127.0.0.1:8790" } },
      env: { ALLOW_LOOPBACK_HTTP: "true" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await integrationRows(merchantId)).map((r) => r.id)).toEqual([res.body.data.id]);
  });

  it("still rejects a private address when ALLOW_LOOPBACK_HTTP is on", async () => {
    const merchantId = newMerchant("m-loop2");
    const body = bodies.logo(merchantId);
    const res = await rejectedCreate(
      merchantId,
      { ...body, credentials: { ...body.credentials, endpoint: "http://10.0.0.5/api" } },
      { ALLOW_LOOPBACK_HTTP: "true" },
    );
    expectFieldError(res, "credentials.endpoint");
  });
});

describe("create: outbound URL policy, other spellings of internal hosts", () => {
  const refused = [
    "https://localhost/api",
    "https://127.1/",
    "https://0x7f.1/",
    "https://2130706433/",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://0.0.0.0/",
    "https://192.168.1.10/",
    "https://172.16.0.1/",
    "https://100.64.0.1/",
    "https://metadata.google.internal/",
    "https://printer.local/",
    "https://app.localhost/",
    "ftp://erp.example.com/",
    "not a url",
    // A fully qualified name (trailing dot) is the same host as without it.
    "https://localhost./api",
    "https://metadata.google.internal./computeMetadata/v1/",
    // IPv4-compatible IPv6 (::/96, inside the IETF-reserved ::/8) embedding 127.0.0.1.
    "https://[::127.0.0.1]/",
  ];

  for (const endpoint of refused) {
    it(`rejects credentials.endpoint ${endpoint}`, async () => {
      const merchantId = newMerchant("m-ssrf");
      const body = bodies.logo(merchantId);
      const res = await rejectedCreate(merchantId, { ...body, credentials: { ...body.credentials, endpoint } });
      expectFieldError(res, "credentials.endpoint");
    });
  }

  it("accepts a public https endpoint on a non-standard port", async () => {
    const merchantId = newMerchant("m-port");
    const body = bodies.logo(merchantId);
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      body: { ...body, credentials: { ...body.credentials, endpoint: "https://erp.example.com:8443/api/v1" } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});

describe("create: conflicts", () => {
  it("answers 409 to a second integration with the same name for the same merchant", async () => {
    const merchantId = newMerchant("m-dup");
    await createLogo(merchantId);
    const before = await auditCount();

    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      body: bodies.csv(merchantId, bodies.logo().name),
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ success: false, code: "CONFLICT" });
    expect(res.body.error).toContain(bodies.logo().name);
    const rows = await integrationRows(merchantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.connector).toBe("logo");
    // The failed insert took its audit entry with it.
    expect(await auditCount()).toBe(before);
  });

  it("allows the same name for a different merchant", async () => {
    const a = newMerchant("m-sa");
    const b = newMerchant("m-sb");
    await createLogo(a);
    await createLogo(b);
    expect(await integrationRows(a)).toHaveLength(1);
    expect(await integrationRows(b)).toHaveLength(1);
  });
});

describe("create: malformed requests", () => {
  it("answers 400 MALFORMED_REQUEST to broken JSON", async () => {
    const merchantId = newMerchant("m-json");
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      rawBody: `{"merchantId":"${merchantId}","name":`,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: "MALFORMED_REQUEST", error: expect.any(String) });
    expect(await integrationRows(merchantId)).toEqual([]);
  });

  it("answers 415 to a body sent without a JSON content type", async () => {
    const merchantId = newMerchant("m-ct");
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      rawBody: JSON.stringify(bodies.logo(merchantId)),
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ success: false, code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(res.body.error).toContain("application/json");
    expect(await integrationRows(merchantId)).toEqual([]);
  });

  it("answers 415 to a body sent with no Content-Type header at all", async () => {
    const merchantId = newMerchant("m-noct");
    const request = new Request("https://gateway.test/api/integrations", {
      method: "POST",
      headers: { Authorization: `Bearer ${await admin()}` },
      body: new TextEncoder().encode(JSON.stringify(bodies.logo(merchantId))),
    });
    expect(request.headers.get("Content-Type")).toBeNull();
    const res = await exports.default.fetch(request);
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ success: false, code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(await integrationRows(merchantId)).toEqual([]);
  });

  it("answers 413 to a body over 1 MiB", async () => {
    const merchantId = newMerchant("m-big");
    const body = { ...bodies.logo(merchantId), name: "x".repeat(1024 * 1024 + 1) };
    const res = await api("POST", "/api/integrations", { token: await admin(), body });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, code: "PAYLOAD_TOO_LARGE" });
    expect(await integrationRows(merchantId)).toEqual([]);
  });

  it("accepts a body just under 1 MiB as far as size goes", async () => {
    const merchantId = newMerchant("m-near");
    const body = { ...bodies.logo(merchantId), name: "x".repeat(1024 * 1000) };
    const res = await api("POST", "/api/integrations", { token: await admin(), body });
    // Within the limit: it reaches validation, which refuses the over-long name.
    expectFieldError(res, "name");
  });
});

describe("ids in the path", () => {
  it("names id when it is not an integration id", async () => {
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await api(method, "/api/integrations/nope", {
        token: await admin(),
        ...(method === "PATCH" ? { body: { name: "x" } } : {}),
      });
      const issue = expectFieldError(res, "path.id");
      expect(issue.message).toContain("integration id");
    }
  });

  it("answers 404 to a well-formed id that does not exist", async () => {
    const id = "int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N";
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await api(method, `/api/integrations/${id}`, {
        token: await admin(),
        ...(method === "PATCH" ? { body: { name: "x" } } : {}),
      });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: "NOT_FOUND", error: `Integration ${id} not found` });
    }
  });
});

describe("update: validation leaves the stored row alone", () => {
  const unchanged = async (row: StoredIntegration | null) => {
    expect(row).not.toBeNull();
    expect(await integrationRow(row?.id ?? "")).toEqual(row);
  };

  it("answers 400 to an empty PATCH body", async () => {
    const { id } = await createLogo(newMerchant("m-empty"));
    const before = await integrationRow(id);
    const res = await api("PATCH", `/api/integrations/${id}`, { token: await admin(), body: {} });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
    expect(res.body.error).toContain("at least one of");
    await unchanged(before);
  });

  it("names the setting when a PATCH sets it to an invalid value", async () => {
    const { id } = await createLogo(newMerchant("m-bset"));
    const before = await integrationRow(id);
    const res = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { settings: { syncInterval: 1000 } },
    });
    expect(expectFieldError(res, "settings.syncInterval").message).toContain("60000");
    await unchanged(before);

    const wrongType = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { settings: { periodNo: "two" } },
    });
    expectFieldError(wrongType, "settings.periodNo");
    await unchanged(before);

    const unknown = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { name: "Should not stick", settings: { colour: "blue" } },
    });
    expectFieldError(unknown, "settings.colour");
    await unchanged(before);
  });

  it("refuses a credentials PATCH that leaves basic auth half set", async () => {
    const merchantId = newMerchant("m-basic");
    const { id } = await createCsv(merchantId, { url: "https://files.example.com/stock.csv" });
    const before = await integrationRow(id);

    const res = await api("PATCH", `/api/integrations/${id}`, {
      token: await merchant(merchantId),
      body: { credentials: { username: "feed-user" } },
    });
    expect(expectFieldError(res, "credentials.password").message).toContain("both username and password");
    expect(JSON.stringify(res.body)).not.toContain("feed-user");
    await unchanged(before);
  });

  it("refuses a credentials PATCH that removes a required credential", async () => {
    const { id } = await createLogo(newMerchant("m-req"));
    const before = await integrationRow(id);
    const res = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { credentials: { password: null } },
    });
    expect(expectFieldError(res, "credentials.password").message).toBe("is required");
    await unchanged(before);
  });

  it("refuses a credentials PATCH pointing the endpoint at a private address", async () => {
    const { id } = await createLogo(newMerchant("m-ssrf"));
    const before = await integrationRow(id);
    const res = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { credentials: { endpoint: "https://169.254.169.254/latest/meta-data" } },
    });
    expectFieldError(res, "credentials.endpoint");
    await unchanged(before);
  });

  it("answers 409 when a rename collides with another integration of the merchant", async () => {
    const merchantId = newMerchant("m-rcol");
    await createLogo(merchantId);
    const { id } = await createCsv(merchantId);
    const before = await integrationRow(id);
    const res = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { name: bodies.logo().name },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ success: false, code: "CONFLICT" });
    await unchanged(before);
  });

  it("answers 400 to an unknown top-level PATCH field", async () => {
    const { id } = await createLogo(newMerchant("m-pfield"));
    const before = await integrationRow(id);
    const res = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { merchantId: "someone-else" },
    });
    expect(expectFieldError(res, "merchantId").message).toBe("is not a known field");
    await unchanged(before);
  });
});

describe("list: query validation", () => {
  it("names limit when it is over 100", async () => {
    const res = await api("GET", "/api/integrations?limit=1000", { token: await admin() });
    expectFieldError(res, "query.limit");
  });

  it("names page and status when they are invalid", async () => {
    expectFieldError(await api("GET", "/api/integrations?page=0", { token: await admin() }), "query.page");
    expectFieldError(await api("GET", "/api/integrations?status=broken", { token: await admin() }), "query.status");
  });
});
