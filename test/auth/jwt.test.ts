import { describe, expect, it } from "vitest";
import { signJwt, verifyJwt } from "../../src/auth/jwt.ts";
import { canSee, canWrite, merchantScope, principalFromClaims } from "../../src/auth/principal.ts";
import { toBase64Url, utf8 } from "../../src/crypto/encoding.ts";
import { respelledSignatures, signRawJwt } from "../helpers/auth.ts";

const SECRET = "unit-test-jwt-secret-with-at-least-32-characters";
const NOW = 1_800_000_000;

/** Imported exactly as src/config.ts does: HMAC SHA-256, verify only. */
const importVerifyKey = (secret: string) =>
  crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);

const b64json = (value: unknown) => toBase64Url(utf8.encode(JSON.stringify(value)));

const baseClaims = (extra: Record<string, unknown> = {}) => ({
  sub: "merchant-m1",
  role: "merchant",
  merchantId: "m1",
  iat: NOW - 60,
  exp: NOW + 3600,
  ...extra,
});

type Options = { issuer?: string; audience?: string; now?: number; maxLifetimeSeconds?: number };

async function verify(token: string, options: Options = {}) {
  return verifyJwt(token, { key: await importVerifyKey(SECRET), now: NOW, ...options });
}

async function reasonOf(token: string, options: Options = {}) {
  const result = await verify(token, options);
  return result.ok ? "ok" : result.reason;
}

describe("verifyJwt: valid tokens", () => {
  it("verifies a valid HS256 token and returns its claims", async () => {
    const claims = baseClaims({ custom: { nested: ["ğ", 1] } });
    const result = await verify(await signJwt(claims, SECRET));
    expect(result).toEqual({ ok: true, claims });
  });

  it("defaults `now` to the current time", async () => {
    const now = Math.floor(Date.now() / 1000);
    const key = await importVerifyKey(SECRET);
    const fresh = await signJwt({ role: "admin", exp: now + 600 }, SECRET);
    const stale = await signJwt({ role: "admin", exp: now - 3600 }, SECRET);
    expect((await verifyJwt(fresh, { key })).ok).toBe(true);
    expect(await verifyJwt(stale, { key })).toEqual({ ok: false, reason: "expired" });
  });
});

describe("verifyJwt: algorithms", () => {
  it("refuses an unsigned `alg: none` token", async () => {
    const token = `${b64json({ alg: "none", typ: "JWT" })}.${b64json(baseClaims())}.`;
    expect(await reasonOf(token)).toBe("unsupported_alg");
  });

  it("refuses `alg: none` even when a valid HS256 signature is attached", async () => {
    const valid = await signJwt(baseClaims(), SECRET);
    const [, payload, signature] = valid.split(".");
    const token = `${b64json({ alg: "none", typ: "JWT" })}.${payload}.${signature}`;
    expect(await reasonOf(token)).toBe("unsupported_alg");
    for (const alg of ["None", "NONE", "nOnE"]) {
      expect(await reasonOf(`${b64json({ alg })}.${payload}.${signature}`), alg).toBe("unsupported_alg");
    }
  });

  it("refuses HS512 and RS256 headers", async () => {
    for (const alg of ["HS512", "RS256", "hs256", "ES256"]) {
      expect(await reasonOf(await signJwt(baseClaims(), SECRET, { alg })), alg).toBe("unsupported_alg");
    }
  });

  it("refuses a header without a string alg as malformed", async () => {
    const [, payload, signature] = (await signJwt(baseClaims(), SECRET)).split(".");
    expect(await reasonOf(`${b64json({ typ: "JWT" })}.${payload}.${signature}`)).toBe("malformed");
    expect(await reasonOf(`${b64json({ alg: 256 })}.${payload}.${signature}`)).toBe("malformed");
  });
});

describe("verifyJwt: signature", () => {
  it("refuses a token signed with another secret", async () => {
    const token = await signJwt(baseClaims(), "another-secret-that-is-also-32-characters-long");
    expect(await reasonOf(token)).toBe("bad_signature");
  });

  it("refuses a token whose payload was modified after signing", async () => {
    const [header, , signature] = (await signJwt(baseClaims(), SECRET)).split(".");
    const forged = `${header}.${b64json(baseClaims({ role: "admin" }))}.${signature}`;
    expect(await reasonOf(forged)).toBe("bad_signature");
  });

  it("refuses a token whose signature is empty or truncated", async () => {
    const token = await signJwt(baseClaims(), SECRET);
    const [header, payload, signature = ""] = token.split(".");
    expect(await reasonOf(`${header}.${payload}.`)).toBe("bad_signature");
    expect(await reasonOf(`${header}.${payload}.${signature.slice(0, 20)}`)).toBe("bad_signature");
  });
});

describe("verifyJwt: time claims", () => {
  it("requires exp, as a number", async () => {
    const { exp: _exp, ...withoutExp } = baseClaims();
    expect(await reasonOf(await signJwt(withoutExp, SECRET))).toBe("missing_exp");
    expect(await reasonOf(await signJwt(baseClaims({ exp: String(NOW + 60) }), SECRET))).toBe("invalid_claim");
    expect(await reasonOf(await signJwt(baseClaims({ exp: null }), SECRET))).toBe("invalid_claim");
  });

  it("refuses a token that expired more than the 30 s leeway ago", async () => {
    expect(await reasonOf(await signJwt(baseClaims({ exp: NOW - 31 }), SECRET))).toBe("expired");
    expect(await reasonOf(await signJwt(baseClaims({ exp: NOW - 3600 }), SECRET))).toBe("expired");
  });

  it("accepts a token that expired 10 s ago (within the leeway)", async () => {
    const result = await verify(await signJwt(baseClaims({ exp: NOW - 10 }), SECRET));
    expect(result.ok).toBe(true);
  });

  it("honours a custom leeway", async () => {
    const token = await signJwt(baseClaims({ exp: NOW - 10 }), SECRET);
    const result = await verifyJwt(token, { key: await importVerifyKey(SECRET), now: NOW, leeway: 0 });
    expect(result).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token whose nbf is in the future", async () => {
    expect(await reasonOf(await signJwt(baseClaims({ nbf: NOW + 300 }), SECRET))).toBe("not_yet_valid");
  });

  it("accepts a token whose nbf is in the past or within the leeway", async () => {
    expect(await reasonOf(await signJwt(baseClaims({ nbf: NOW - 300 }), SECRET))).toBe("ok");
    expect(await reasonOf(await signJwt(baseClaims({ nbf: NOW + 10 }), SECRET))).toBe("ok");
  });
});

describe("verifyJwt: issuer and audience", () => {
  it("ignores iss and aud when neither is configured", async () => {
    const token = await signJwt(baseClaims({ iss: "someone-else", aud: "another-api" }), SECRET);
    expect(await reasonOf(token)).toBe("ok");
  });

  it("accepts the configured issuer and refuses another or a missing one", async () => {
    const options = { issuer: "https://auth.example.com" };
    expect(await reasonOf(await signJwt(baseClaims({ iss: "https://auth.example.com" }), SECRET), options)).toBe("ok");
    expect(await reasonOf(await signJwt(baseClaims({ iss: "https://evil.example.com" }), SECRET), options)).toBe(
      "wrong_issuer",
    );
    expect(await reasonOf(await signJwt(baseClaims(), SECRET), options)).toBe("wrong_issuer");
  });

  it("accepts an aud string or array containing the configured audience", async () => {
    const options = { audience: "integration-gateway" };
    expect(await reasonOf(await signJwt(baseClaims({ aud: "integration-gateway" }), SECRET), options)).toBe("ok");
    expect(await reasonOf(await signJwt(baseClaims({ aud: ["other", "integration-gateway"] }), SECRET), options)).toBe(
      "ok",
    );
  });

  it("refuses any other audience", async () => {
    const options = { audience: "integration-gateway" };
    for (const aud of ["other", ["other", "another"], [], undefined, "integration-gateway-2", { 0: "x" }]) {
      const token = await signJwt(baseClaims(aud === undefined ? {} : { aud }), SECRET);
      expect(await reasonOf(token, options), JSON.stringify(aud)).toBe("wrong_audience");
    }
  });
});

describe("verifyJwt: malformed tokens", () => {
  it("refuses a token with two or four parts", async () => {
    const token = await signJwt(baseClaims(), SECRET);
    const [header, payload, signature] = token.split(".");
    expect(await reasonOf(`${header}.${payload}`)).toBe("malformed");
    expect(await reasonOf(`${token}.${signature}`)).toBe("malformed");
    expect(await reasonOf("")).toBe("malformed");
  });

  it("refuses parts that are not base64", async () => {
    const [header, payload] = (await signJwt(baseClaims(), SECRET)).split(".");
    expect(await reasonOf("!!!.@@@.###")).toBe("malformed");
    expect(await reasonOf(`${header}.${payload}.not*base64`)).toBe("malformed");
  });

  it("refuses a header that is not a JSON object", async () => {
    const [, payload, signature] = (await signJwt(baseClaims(), SECRET)).split(".");
    const notJson = toBase64Url(utf8.encode("alg=HS256"));
    expect(await reasonOf(`${notJson}.${payload}.${signature}`)).toBe("malformed");
    expect(await reasonOf(`${b64json(["HS256"])}.${payload}.${signature}`)).toBe("malformed");
  });

  it("refuses a correctly signed payload that is not a JSON object", async () => {
    const header = JSON.stringify({ alg: "HS256", typ: "JWT" });
    expect(await reasonOf(await signRawJwt(header, "not json", SECRET))).toBe("malformed");
    expect(await reasonOf(await signRawJwt(header, "[1,2,3]", SECRET))).toBe("malformed");
  });

  it("refuses a token longer than 8192 characters, even when correctly signed", async () => {
    const token = await signJwt(baseClaims({ padding: "x".repeat(8192) }), SECRET);
    expect(token.length).toBeGreaterThan(8192);
    expect(await reasonOf(token)).toBe("malformed");
  });
});

const HEADER = JSON.stringify({ alg: "HS256", typ: "JWT" });
const DAY = 86_400;

describe("verifyJwt: dates that must be numbers", () => {
  it("refuses a non-numeric nbf instead of ignoring it", async () => {
    for (const nbf of [String(NOW + 300), "tomorrow", null, true, [NOW]]) {
      expect(await reasonOf(await signJwt(baseClaims({ nbf }), SECRET)), JSON.stringify(nbf)).toBe("invalid_claim");
    }
  });

  it("refuses a non-numeric iat", async () => {
    expect(await reasonOf(await signJwt(baseClaims({ iat: String(NOW) }), SECRET))).toBe("invalid_claim");
  });

  it("refuses exp: 1e999, which JSON reads as Infinity — a token that would never expire", async () => {
    const claims = (dates: string) => `{"sub":"merchant-m1","role":"merchant","merchantId":"m1",${dates}}`;
    for (const dates of [`"exp":1e999`, `"iat":${NOW},"exp":1e999`, `"exp":${NOW + 60},"nbf":-1e999`]) {
      const token = await signRawJwt(HEADER, claims(dates), SECRET);
      expect(await reasonOf(token), dates).toBe("invalid_claim");
    }
    // The same claims with a finite exp verify: it is the Infinity that is refused.
    expect(await reasonOf(await signRawJwt(HEADER, claims(`"exp":${NOW + 60}`), SECRET))).toBe("ok");
  });
});

describe("verifyJwt: lifetime", () => {
  it("accepts a token valid for up to 30 days after its iat", async () => {
    expect(await reasonOf(await signJwt(baseClaims({ iat: NOW, exp: NOW + 30 * DAY }), SECRET))).toBe("ok");
    expect(await reasonOf(await signJwt(baseClaims({ iat: NOW - 29 * DAY, exp: NOW + DAY }), SECRET))).toBe("ok");
  });

  it("refuses a token whose exp is more than 30 days after its iat", async () => {
    const token = await signJwt(baseClaims({ iat: NOW, exp: NOW + 31 * DAY }), SECRET);
    expect(await reasonOf(token)).toBe("lifetime_too_long");
    // Issued long ago, still unexpired: its lifetime is what counts, not what is left of it.
    const old = await signJwt(baseClaims({ iat: NOW - 300 * DAY, exp: NOW + DAY }), SECRET);
    expect(await reasonOf(old)).toBe("lifetime_too_long");
  });

  it("counts a token without iat from now", async () => {
    const { iat: _iat, ...withoutIat } = baseClaims();
    expect(await reasonOf(await signJwt({ ...withoutIat, exp: NOW + 3600 }, SECRET))).toBe("ok");
    expect(await reasonOf(await signJwt({ ...withoutIat, exp: NOW + 31 * DAY }, SECRET))).toBe("lifetime_too_long");
  });

  it("does not let an iat in the future stretch the allowance", async () => {
    const iat = NOW + 365 * DAY;
    expect(await reasonOf(await signJwt(baseClaims({ iat, exp: iat + DAY }), SECRET))).toBe("lifetime_too_long");
  });

  it("honours a configured cap", async () => {
    const token = await signJwt(baseClaims({ iat: NOW, exp: NOW + 2 * DAY }), SECRET);
    expect(await reasonOf(token, { maxLifetimeSeconds: DAY })).toBe("lifetime_too_long");
    expect(await reasonOf(token, { maxLifetimeSeconds: 2 * DAY })).toBe("ok");
  });
});

describe("verifyJwt: critical headers", () => {
  it("refuses a token whose crit names an extension the gateway does not know", async () => {
    const token = await signJwt(baseClaims(), SECRET, {
      crit: ["urn:example:must-check"],
      "urn:example:must-check": 1,
    });
    expect(await reasonOf(token)).toBe("unknown_crit");
  });

  it("refuses a crit that is not a list of present header names", async () => {
    for (const header of [{ crit: "exp" }, { crit: [] }, { crit: [1] }, { crit: ["b64"] }]) {
      expect(await reasonOf(await signJwt(baseClaims(), SECRET, header)), JSON.stringify(header)).toBe("malformed");
    }
  });
});

describe("verifyJwt: one spelling of a signature", () => {
  it("accepts only the canonical base64url signature, not the same bytes in base64, padded or with stray bits", async () => {
    // A signature with `-` or `_` in it, so that its base64 spelling differs.
    let token = "";
    for (let i = 0; !/[-_]/.test(token.split(".")[2] ?? ""); i++) {
      token = await signJwt(baseClaims({ sub: `merchant-${i}` }), SECRET);
    }
    expect(await reasonOf(token)).toBe("ok");
    const variants = respelledSignatures(token);
    expect(Object.keys(variants)).toEqual(["base64", "padded", "base64Padded", "lowBitsSet"]);
    for (const [spelling, variant] of Object.entries(variants)) {
      expect(variant, spelling).not.toBe(token);
      expect(await reasonOf(variant), spelling).toBe("malformed");
    }
  });

  it("refuses padding or base64 characters in the header and payload too", async () => {
    const [header, payload, signature] = (await signJwt(baseClaims(), SECRET)).split(".");
    expect(await reasonOf(`${header}=.${payload}.${signature}`)).toBe("malformed");
    expect(await reasonOf(`${header}.${payload}+.${signature}`)).toBe("malformed");
  });
});

describe("principalFromClaims", () => {
  it("refuses a merchant token without a merchantId", () => {
    const result = principalFromClaims({ sub: "m", role: "merchant" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("merchantId");
  });

  it("refuses an unknown or missing role", () => {
    for (const claims of [{ role: "superuser" }, { role: "ADMIN" }, {}, { role: 1 }]) {
      const result = principalFromClaims(claims);
      expect(result.ok, JSON.stringify(claims)).toBe(false);
      if (!result.ok) expect(result.reason).toContain("role");
    }
  });

  it("refuses a merchantId that is not a plain identifier", () => {
    expect(principalFromClaims({ role: "merchant", merchantId: "../m1" }).ok).toBe(false);
    expect(principalFromClaims({ role: "viewer", merchantId: "" }).ok).toBe(false);
  });

  it("ignores an admin's merchantId claim: admins are never scoped", () => {
    const result = principalFromClaims({ sub: "ops", role: "admin", merchantId: "m1" });
    expect(result).toEqual({ ok: true, principal: { subject: "ops", role: "admin", merchantId: null } });
  });

  it("scopes a viewer with a merchantId to that merchant, and leaves one without unscoped", () => {
    const scoped = principalFromClaims({ sub: "v", role: "viewer", merchantId: "m1" });
    expect(scoped).toEqual({ ok: true, principal: { subject: "v", role: "viewer", merchantId: "m1" } });
    const global = principalFromClaims({ sub: "v", role: "viewer" });
    expect(global).toEqual({ ok: true, principal: { subject: "v", role: "viewer", merchantId: null } });
  });

  it("derives a subject when the token has none", () => {
    const result = principalFromClaims({ role: "merchant", merchantId: "m1" });
    expect(result.ok && result.principal.subject).toBe("merchant:m1");
  });

  it("lets canSee and canWrite follow the role and scope", () => {
    const principal = (claims: Record<string, unknown>) => {
      const result = principalFromClaims(claims);
      if (!result.ok) throw new Error(result.reason);
      return result.principal;
    };
    const admin = principal({ role: "admin", merchantId: "m1" });
    const merchant = principal({ role: "merchant", merchantId: "m1" });
    const scopedViewer = principal({ role: "viewer", merchantId: "m1" });
    const globalViewer = principal({ role: "viewer" });

    expect(canWrite(admin)).toBe(true);
    expect(canWrite(merchant)).toBe(true);
    expect(canWrite(scopedViewer)).toBe(false);
    expect(canWrite(globalViewer)).toBe(false);

    expect([canSee(admin, "m1"), canSee(admin, "m2")]).toEqual([true, true]);
    expect([canSee(merchant, "m1"), canSee(merchant, "m2")]).toEqual([true, false]);
    expect([canSee(scopedViewer, "m1"), canSee(scopedViewer, "m2")]).toEqual([true, false]);
    expect([canSee(globalViewer, "m1"), canSee(globalViewer, "m2")]).toEqual([true, true]);

    expect(merchantScope(admin)).toBeNull();
    expect(merchantScope(merchant)).toBe("m1");
  });
});
