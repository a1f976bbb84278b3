import { describe, expect, it } from "vitest";
import { api, bodies } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { integrationRow, integrationRows, storedCredentials } from "../helpers/db.ts";
import { createIntegration } from "../helpers/integrations.ts";
import { newMerchant } from "../helpers/unique.ts";

/** Sends `json` exactly as written: a JS object literal cannot carry an own `__proto__` key. */
async function rawJson(method: string, path: string, json: string) {
  return api(method, path, { token: await admin(), rawBody: json, headers: { "Content-Type": "application/json" } });
}

// C0 (NUL, ESC, newline), DEL, C1, bidi embedding/override/isolate, zero-width and BOM, line separator.
const HIDDEN: [string, string][] = [
  ["NUL", "\u0000"],
  ["ESC", "\u001b[31m"],
  ["a newline", "\n"],
  ["DEL", "\u007f"],
  ["a C1 control (CSI)", "\u009b"],
  ["RIGHT-TO-LEFT OVERRIDE", "\u202e"],
  ["LEFT-TO-RIGHT EMBEDDING", "\u202a"],
  ["RIGHT-TO-LEFT ISOLATE", "\u2067"],
  ["POP DIRECTIONAL ISOLATE", "\u2069"],
  ["a zero-width space", "\u200b"],
  ["a BOM inside the name", "\ufeff"],
  ["a line separator", "\u2028"],
  ["a lone surrogate", "\ud800"],
];

describe("integration names are plain text", () => {
  it.each(HIDDEN)(
    "refuses a name containing %s on create (400 naming the character), storing nothing",
    async (_, ch) => {
      const merchantId = newMerchant("m-name");
      const res = await api("POST", "/api/integrations", {
        token: await admin(),
        body: bodies.csv(merchantId, `Main${ch}Store`),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      const hex = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
      expect(res.body).toMatchObject({
        code: "VALIDATION_ERROR",
        details: [
          {
            field: "name",
            message: `must not contain control, bidirectional or invisible characters (found U+${hex} at character 5)`,
          },
        ],
      });
      expect(await integrationRows(merchantId)).toEqual([]);
    },
  );

  it("refuses such a name on PATCH the same way, leaving the row as it was", async () => {
    const id = await createIntegration(bodies.csv(newMerchant("m-name-patch"), "Main Store"));
    const before = await integrationRow(id);
    for (const [, ch] of HIDDEN) {
      const res = await api("PATCH", `/api/integrations/${id}`, {
        token: await admin(),
        body: { name: `evil${ch}.exe`, status: "paused" },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBe("VALIDATION_ERROR");
      expect(res.body.details[0].field).toBe("name");
    }
    expect(await integrationRow(id)).toEqual(before);
  });

  it("keeps accepting Turkish, other scripts, emoji and punctuation, and still trims the edges", async () => {
    const merchantId = newMerchant("m-name-ok");
    const name = "Çarşı Mağazası — متجر 東京店 ☕ (#2) =A1";
    const id = await createIntegration(bodies.csv(merchantId, `  ${name}\t`));
    expect((await integrationRow(id))?.name).toBe(name);
    const renamed = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { name: "İzmir Şube" },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await integrationRow(id))?.name).toBe("İzmir Şube");
  });
});

describe("__proto__ in a PATCH is refused as create refuses it", () => {
  it("create refuses settings.__proto__ and credentials.__proto__ as unknown fields", async () => {
    const merchantId = newMerchant("m-proto-create");
    const body = JSON.stringify(bodies.csv(merchantId));
    for (const [part, field] of [
      ['"settings":{', "settings.__proto__"],
      ['"credentials":{', "credentials.__proto__"],
    ] as const) {
      const res = await rawJson("POST", "/api/integrations", body.replace(part, `${part}"__proto__":{"pageSize":1},`));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({
        code: "VALIDATION_ERROR",
        error: `Invalid request: ${field}: is not a known field`,
        details: [{ field, message: "is not a known field" }],
      });
    }
    expect(await integrationRows(merchantId)).toEqual([]);
  });

  it.each([
    ["settings", '{"settings":{"__proto__":{"pageSize":1}}}'],
    ["credentials", '{"credentials":{"__proto__":{"bearerToken":"x"}}}'],
    ["settings, next to a real change", '{"name":"renamed","settings":{"pageSize":50,"__proto__":{"pageSize":1}}}'],
  ])("PATCH refuses __proto__ in %s with the same 400 as create, changing nothing", async (label, json) => {
    const id = await createIntegration(bodies.csv(newMerchant("m-proto-patch")));
    const before = await integrationRow(id);
    const credentialsBefore = await storedCredentials(id);
    const res = await rawJson("PATCH", `/api/integrations/${id}`, json);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const field = `${label.split(",")[0]}.__proto__`;
    expect(res.body).toMatchObject({
      code: "VALIDATION_ERROR",
      error: `Invalid request: ${field}: is not a known field`,
      details: [{ field, message: "is not a known field" }],
    });
    expect(await integrationRow(id)).toEqual(before);
    expect(await storedCredentials(id)).toEqual(credentialsBefore);
  });

  it("PATCH refuses constructor and prototype in settings as unknown fields too", async () => {
    const id = await createIntegration(bodies.csv(newMerchant("m-ctor-patch")));
    const before = await integrationRow(id);
    for (const key of ["constructor", "prototype"]) {
      const res = await rawJson("PATCH", `/api/integrations/${id}`, `{"settings":{"${key}":{"pageSize":1}}}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.details).toEqual([{ field: `settings.${key}`, message: "is not a known field" }]);
    }
    expect(await integrationRow(id)).toEqual(before);
  });

  it("still applies an ordinary settings PATCH", async () => {
    const id = await createIntegration(bodies.csv(newMerchant("m-proto-ok")));
    const res = await rawJson("PATCH", `/api/integrations/${id}`, '{"settings":{"pageSize":50}}');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(JSON.parse((await integrationRow(id))?.settings ?? "{}").pageSize).toBe(50);
  });
});
