import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signJwt } from "../../src/auth/jwt.ts";
import { toBase64Url } from "../../src/crypto/encoding.ts";
import { type ApiOptions, type ApiResponse, api, bodies } from "../helpers/api.ts";
import { auditOf, tracedCall } from "../helpers/audit.ts";
import { admin, merchant, respelledSignatures, signRawJwt, tokenFor, viewer } from "../helpers/auth.ts";
import { integrationRow, integrationRows } from "../helpers/db.ts";
import { createLogo } from "../helpers/integrations.ts";
import { newMerchant } from "../helpers/unique.ts";

const _newRequestId = () => `test-${crypto.randomUUID()}`;
const now = () => Math.floor(Date.now() / 1000);

function expectUnauthorized(res: ApiResponse) {
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({ success: false, code: "UNAUTHORIZED", error: expect.any(String) });
  expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="integration-gateway"/);
}

/** A token whose header says `alg: none`, with an empty signature. */
function unsignedToken(claims: Record<string, unknown>) {
  const part = (value: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(value)));
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

const HS256 = JSON.stringify({ alg: "HS256", typ: "JWT" });
const adminClaims = () => ({ sub: "x", role: "admin", iat: now(), exp: now() + 3600 });

/** A valid admin token whose signature has a `-` or `_`, so that its base64 spelling differs. */
async function dashedAdminToken(): Promise<string> {
  for (let i = 0; ; i++) {
    const token = await tokenFor("admin", undefined, { jti: `t-${i}` });
    if (/[-_]/.test(token.split(".")[2] ?? "")) return token;
  }
}

describe("authentication", () => {
  const rejected: [string, () => Promise<Record<string, string>>, string][] = [
    ["no Authorization header", async () => ({}), "missing_token"],
    ["Basic credentials", async () => ({ Authorization: `Basic ${btoa("admin:admin")}` }), "missing_token"],
    ["a garbage token", async () => ({ Authorization: "Bearer not-a-jwt" }), "malformed"],
    [
      "a token that expired an hour ago",
      async () => ({ Authorization: `Bearer ${await tokenFor("admin", undefined, { exp: now() - 3600 })}` }),
      "expired",
    ],
    [
      "an alg:none token",
      async () => ({ Authorization: `Bearer ${unsignedToken({ role: "admin", sub: "x", exp: now() + 3600 })}` }),
      "unsupported_alg",
    ],
    [
      "a token signed with another secret",
      async () => ({
        Authorization: `Bearer ${await signJwt({ role: "admin", sub: "x", exp: now() + 3600 }, `${env.JWT_SECRET}-not`)}`,
      }),
      "bad_signature",
    ],
    [
      "a token without exp",
      async () => ({ Authorization: `Bearer ${await tokenFor("admin", undefined, { exp: undefined })}` }),
      "missing_exp",
    ],
    [
      "a token with a non-numeric nbf",
      async () => ({ Authorization: `Bearer ${await tokenFor("admin", undefined, { nbf: "tomorrow" })}` }),
      "invalid_claim",
    ],
    [
      "a token with exp: 1e999 (never expires)",
      async () => ({
        Authorization: `Bearer ${await signRawJwt(HS256, `{"sub":"x","role":"admin","iat":${now()},"exp":1e999}`)}`,
      }),
      "invalid_claim",
    ],
    [
      "a token with an unknown crit header",
      async () => ({
        Authorization: `Bearer ${await signJwt(adminClaims(), env.JWT_SECRET, { crit: ["urn:x:bind"], "urn:x:bind": 1 })}`,
      }),
      "unknown_crit",
    ],
    ...(["base64", "padded", "lowBitsSet"] as const).map(
      (spelling) =>
        [
          `a valid token with its signature respelled (${spelling})`,
          async () => ({ Authorization: `Bearer ${respelledSignatures(await dashedAdminToken())[spelling]}` }),
          "malformed",
        ] as [string, () => Promise<Record<string, string>>, string],
    ),
    [
      "a token valid for 31 days",
      async () => ({ Authorization: `Bearer ${await tokenFor("admin", undefined, { exp: now() + 31 * 86_400 })}` }),
      "lifetime_too_long",
    ],
    [
      "a merchant token without a merchantId claim",
      async () => ({ Authorization: `Bearer ${await tokenFor("merchant")}` }),
      "bad_claims",
    ],
    [
      "a token with an unknown role",
      async () => ({ Authorization: `Bearer ${await tokenFor("admin", undefined, { role: "superuser" })}` }),
      "bad_claims",
    ],
    [
      "a token whose subject carries a terminal escape",
      async () => ({ Authorization: `Bearer ${await tokenFor("admin", undefined, { sub: "ops\u001b[31mroot" })}` }),
      "bad_claims",
    ],
  ];

  for (const [what, headers, reason] of rejected) {
    it(`answers 401 to ${what}, audited as auth.token_rejected (${reason})`, async () => {
      const merchantId = newMerchant("m-401");

      const read = await tracedCall("GET", "/api/integrations", { headers: await headers() });
      expectUnauthorized(read.res);
      expect(JSON.stringify(read.res.body)).not.toContain("data");

      const write = await tracedCall("POST", "/api/integrations", {
        headers: await headers(),
        body: bodies.logo(merchantId),
      });
      expectUnauthorized(write.res);
      expect(await integrationRows(merchantId)).toEqual([]);

      const challenge = read.res.headers.get("WWW-Authenticate");
      if (reason === "missing_token") expect(challenge).not.toContain("error=");
      else expect(challenge).toContain('error="invalid_token"');

      for (const { requestId, method } of [
        { requestId: read.requestId, method: "GET" },
        { requestId: write.requestId, method: "POST" },
      ]) {
        const entries = await auditOf(requestId, "auth.token_rejected");
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({
          actor: "anonymous",
          role: null,
          merchantId: null,
          outcome: "denied",
          target: null,
          details: { method, path: "/api/integrations", reason },
        });
      }
    });
  }

  it("still accepts a normal token, and one valid for exactly 30 days", async () => {
    expect((await api("GET", "/api/integrations", { token: await admin() })).status).toBe(200);
    const month = await tokenFor("admin", undefined, { iat: now(), exp: now() + 30 * 86_400 });
    expect((await api("GET", "/api/integrations", { token: month })).status).toBe(200);
  });

  it("says how long a token may live, and follows JWT_MAX_LIFETIME_DAYS", async () => {
    const twoDays = await tokenFor("admin", undefined, { iat: now(), exp: now() + 2 * 86_400 });
    const { res, requestId } = await tracedCall("GET", "/api/integrations", {
      token: twoDays,
      env: { JWT_MAX_LIFETIME_DAYS: "1" },
    });
    expectUnauthorized(res);
    expect(res.body.error).toMatch(/exp may be at most 1 day\(s\) after iat/);
    expect((await auditOf(requestId, "auth.token_rejected")).map((e) => e.details?.reason)).toEqual([
      "lifetime_too_long",
    ]);
    expect((await api("GET", "/api/integrations", { token: twoDays })).status).toBe(200);
  });

  it("accepts the scheme name in any case", async () => {
    const res = await api("GET", "/api/integrations", { headers: { Authorization: `bearer ${await admin()}` } });
    expect(res.status).toBe(200);
  });

  it("does not let a stray merchantId claim narrow or widen an admin", async () => {
    const a = newMerchant("m-stray");
    const { id } = await createLogo(a);
    const token = await tokenFor("admin", "someone-else");
    const res = await api("GET", `/api/integrations/${id}`, { token });
    expect(res.status).toBe(200);
  });
});

describe("issuer and audience", () => {
  const configured = { JWT_ISSUER: "https://auth.example.com", JWT_AUDIENCE: "integration-gateway" };
  const good = { iss: configured.JWT_ISSUER, aud: configured.JWT_AUDIENCE };

  const cases: [string, Record<string, unknown>, string][] = [
    ["a wrong issuer", { ...good, iss: "https://evil.example.com" }, "wrong_issuer"],
    ["a missing issuer", { ...good, iss: undefined }, "wrong_issuer"],
    ["a wrong audience", { ...good, aud: "another-service" }, "wrong_audience"],
    ["a missing audience", { ...good, aud: undefined }, "wrong_audience"],
    ["an audience list without ours", { ...good, aud: ["a", "b"] }, "wrong_audience"],
  ];

  for (const [what, claims, reason] of cases) {
    it(`answers 401 to a token with ${what}`, async () => {
      const { res, requestId } = await tracedCall("GET", "/api/integrations", {
        token: await tokenFor("admin", undefined, claims),
        env: configured,
      });
      expectUnauthorized(res);
      const entries = await auditOf(requestId, "auth.token_rejected");
      expect(entries.map((e) => e.details?.reason)).toEqual([reason]);
    });
  }

  it("accepts a token whose issuer and audience match", async () => {
    const single = await api("GET", "/api/integrations", {
      token: await tokenFor("admin", undefined, good),
      env: configured,
    });
    expect(single.status).toBe(200);
    const listed = await api("GET", "/api/integrations", {
      token: await tokenFor("admin", undefined, { ...good, aud: ["other", configured.JWT_AUDIENCE] }),
      env: configured,
    });
    expect(listed.status).toBe(200);
  });

  it("ignores iss and aud when neither is configured", async () => {
    const res = await api("GET", "/api/integrations", {
      token: await tokenFor("admin", undefined, { iss: "anyone", aud: "anything" }),
    });
    expect(res.status).toBe(200);
  });
});

describe("viewers are read-only", () => {
  for (const [who, token] of [
    ["a merchant's viewer", (m: string) => viewer(m)],
    ["a global viewer", () => viewer()],
  ] as const) {
    it(`answers 403 to ${who} on POST, PATCH and DELETE, audited as auth.forbidden`, async () => {
      const merchantId = newMerchant("m-view");
      const { id } = await createLogo(merchantId);
      const before = await integrationRow(id);
      const t = await token(merchantId);

      const attempts = [
        await tracedCall("POST", "/api/integrations", { token: t, body: bodies.csv(merchantId) }),
        await tracedCall("PATCH", `/api/integrations/${id}`, {
          token: t,
          body: { name: "Hijacked", status: "paused" },
        }),
        await tracedCall("DELETE", `/api/integrations/${id}`, { token: t }),
      ];
      for (const { res, requestId } of attempts) {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN" });
        expect(res.body.error).toContain("viewer");
        const entries = await auditOf(requestId, "auth.forbidden");
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({ role: "viewer", outcome: "denied" });
      }
      expect(await integrationRow(id)).toEqual(before);
      expect(await integrationRows(merchantId)).toHaveLength(1);
    });
  }
});

describe("tenant isolation", () => {
  it("answers 404 to another merchant's token, word for word as for a missing id, and audits it", async () => {
    const a = newMerchant("m-ta");
    const b = newMerchant("m-tb");
    const { id } = await createLogo(a);
    const before = await integrationRow(id);
    const tokenB = await merchant(b);
    const missing = "int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N";

    const requests: [string, ApiOptions][] = [
      ["GET", { token: tokenB }],
      ["PATCH", { token: tokenB, body: { name: "Taken over", credentials: { password: "attacker-pw" } } }],
      ["DELETE", { token: tokenB }],
    ];
    for (const [method, options] of requests) {
      const foreign = await tracedCall(method, `/api/integrations/${id}`, options);
      const absent = await api(method, `/api/integrations/${missing}`, options);

      expect(foreign.res.status).toBe(404);
      expect(absent.status).toBe(404);
      expect(foreign.res.body.code).toBe("NOT_FOUND");
      expect(foreign.res.body.error).toBe(`Integration ${id} not found`);
      expect(foreign.res.body.error.replace(id, "<id>")).toBe(absent.body.error.replace(missing, "<id>"));
      expect(Object.keys(foreign.res.body).sort()).toEqual(Object.keys(absent.body).sort());
      expect(JSON.stringify(foreign.res.body)).not.toContain(a);

      const entries = await auditOf(foreign.requestId, "auth.cross_tenant_denied");
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        actor: `merchant-${b}`,
        role: "merchant",
        merchantId: b,
        outcome: "denied",
        target: { type: "integration", id },
        details: { method, path: `/api/integrations/${id}` },
      });
    }

    expect(await integrationRow(id)).toEqual(before);
    const owner = await api("GET", `/api/integrations/${id}`, { token: await merchant(a) });
    expect(owner.status).toBe(200);
    expect(owner.body.data.name).toBe(bodies.logo().name);
  });

  it("answers 403 to a merchant creating for another merchant, and creates nothing", async () => {
    const a = newMerchant("m-ca");
    const b = newMerchant("m-cb");
    const { res, requestId } = await tracedCall("POST", "/api/integrations", {
      token: await merchant(b),
      body: bodies.logo(a),
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN" });
    expect(await integrationRows(a)).toEqual([]);
    expect(await integrationRows(b)).toEqual([]);
    const entries = await auditOf(requestId, "auth.forbidden");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ role: "merchant", merchantId: b, outcome: "denied" });
  });

  it("answers 403 to a merchant listing another merchant's integrations", async () => {
    const a = newMerchant("m-lsa");
    const b = newMerchant("m-lsb");
    await createLogo(a);
    const { res, requestId } = await tracedCall("GET", `/api/integrations?merchantId=${a}`, {
      token: await merchant(b),
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN" });
    expect(JSON.stringify(res.body)).not.toContain("int_");
    expect(await auditOf(requestId, "auth.forbidden")).toHaveLength(1);
  });

  it("keeps a merchant's viewer away from another merchant's integrations", async () => {
    const a = newMerchant("m-va");
    const b = newMerchant("m-vb");
    const { id } = await createLogo(a);
    const token = await viewer(b);

    const got = await tracedCall("GET", `/api/integrations/${id}`, { token });
    expect(got.res.status).toBe(404);
    expect(got.res.body).toMatchObject({ code: "NOT_FOUND", error: `Integration ${id} not found` });
    expect(await auditOf(got.requestId, "auth.cross_tenant_denied")).toHaveLength(1);

    const listed = await api("GET", `/api/integrations?merchantId=${a}`, { token });
    expect(listed.status).toBe(403);
    const own = await api("GET", "/api/integrations", { token });
    expect(own.status).toBe(200);
    expect(own.body.data).toEqual([]);
  });
});
