import { fromBase64, toBase64Url, utf8 } from "../crypto/encoding.ts";

/** Why a token was refused. Logged and audited; the client only learns the short message. */
export type JwtFailure =
  | "malformed"
  | "unsupported_alg"
  | "bad_signature"
  | "missing_exp"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience";

export type JwtClaims = Record<string, unknown> & { exp: number };

export interface VerifyOptions {
  key: CryptoKey;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
  /** Allowed clock difference with the token's issuer, in seconds. */
  leeway?: number;
}

// Only HS256 is accepted. The header's `alg` is checked against this list before anything
// else, which shuts out `alg: none` and algorithm-confusion tricks.
const ALLOWED_ALGS = new Set(["HS256"]);
const MAX_TOKEN_LENGTH = 8192;

/**
 * Verifies an HS256 JWT: allowed algorithm, signature (constant-time, by WebCrypto), a
 * required `exp`, `nbf`, and `iss` / `aud` when configured.
 *
 * @example const r = await verifyJwt(token, { key }); if (!r.ok) console.log(r.reason)
 */
export async function verifyJwt(
  token: string,
  options: VerifyOptions,
): Promise<{ ok: true; claims: JwtClaims } | { ok: false; reason: JwtFailure }> {
  const fail = (reason: JwtFailure) => ({ ok: false as const, reason });
  const parts = token.split(".");
  if (token.length > MAX_TOKEN_LENGTH || parts.length !== 3) return fail("malformed");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  const header = decodeJson(headerPart);
  if (!header) return fail("malformed");
  if (typeof header.alg !== "string" || !ALLOWED_ALGS.has(header.alg)) return fail("unsupported_alg");

  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = fromBase64(signaturePart);
  } catch {
    return fail("malformed");
  }
  const signed = utf8.encode(`${headerPart}.${payloadPart}`);
  if (!(await crypto.subtle.verify("HMAC", options.key, signature, signed))) return fail("bad_signature");

  const claims = decodeJson(payloadPart);
  if (!claims) return fail("malformed");
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const leeway = options.leeway ?? 30;
  if (typeof claims.exp !== "number") return fail("missing_exp");
  if (claims.exp + leeway <= now) return fail("expired");
  if (typeof claims.nbf === "number" && claims.nbf - leeway > now) return fail("not_yet_valid");
  if (options.issuer !== undefined && claims.iss !== options.issuer) return fail("wrong_issuer");
  if (options.audience !== undefined && !audienceMatches(claims.aud, options.audience)) return fail("wrong_audience");
  return { ok: true, claims: claims as JwtClaims };
}

/**
 * Signs claims as an HS256 JWT. The gateway itself only verifies; this serves
 * `npm run token` and the tests.
 */
export async function signJwt(
  claims: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = {},
): Promise<string> {
  const encode = (value: unknown) => toBase64Url(utf8.encode(JSON.stringify(value)));
  const body = `${encode({ alg: "HS256", typ: "JWT", ...header })}.${encode(claims)}`;
  const key = await crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(body)));
  return `${body}.${toBase64Url(signature)}`;
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(utf8.decode(fromBase64(part)));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function audienceMatches(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}
