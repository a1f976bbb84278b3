import { base64url, errors, jwtVerify } from "jose";
import { toBase64Url, utf8 } from "../crypto/encoding.ts";

/** Why a token was refused. Logged and audited; the client only learns the short message. */
export type JwtFailure =
  | "malformed"
  | "unsupported_alg"
  | "unknown_crit"
  | "bad_signature"
  | "missing_exp"
  | "invalid_claim"
  | "expired"
  | "not_yet_valid"
  | "lifetime_too_long"
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
  /** The longest a token may be valid: `exp` at most this many seconds after `iat` (or now). */
  maxLifetimeSeconds?: number;
}

const MAX_TOKEN_LENGTH = 8192;
const DEFAULT_MAX_LIFETIME_SECONDS = 30 * 86_400;
// base64url without padding (RFC 7515 §2). Anything else — `+`, `/`, `=` — is refused before
// jose sees it, so that a token has exactly one spelling.
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Verifies an HS256 JWT with jose: only `HS256` (so `alg: none` and algorithm confusion are
 * refused), the signature (by WebCrypto), an unknown `crit` header refused, a required numeric
 * `exp`, numeric `nbf`/`iat` when present, `iss`/`aud` when configured — and, on top, one
 * canonical base64url spelling of the signature, finite dates and a capped lifetime.
 *
 * @example const r = await verifyJwt(token, { key }); if (!r.ok) console.log(r.reason)
 */
export async function verifyJwt(
  token: string,
  options: VerifyOptions,
): Promise<{ ok: true; claims: JwtClaims } | { ok: false; reason: JwtFailure }> {
  const fail = (reason: JwtFailure) => ({ ok: false as const, reason });
  const parts = token.split(".");
  if (token.length > MAX_TOKEN_LENGTH || parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) {
    return fail("malformed");
  }
  if (!isCanonical(parts[2] as string)) return fail("malformed");

  const now = options.now ?? Math.floor(Date.now() / 1000);
  const leeway = options.leeway ?? 30;
  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, options.key, {
      algorithms: ["HS256"],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: leeway,
      currentDate: new Date(now * 1000),
      requiredClaims: ["exp"],
    });
    claims = verified.payload;
  } catch (error) {
    return fail(failureOf(error));
  }

  // JSON's 1e999 parses as Infinity, which jose takes for a number: a token that never expires.
  const { exp, iat, nbf } = claims;
  if (![exp, iat, nbf].every((d) => d === undefined || Number.isFinite(d))) return fail("invalid_claim");
  // An `iat` in the future does not stretch the allowance: count from now at the latest.
  const from = Math.min(typeof iat === "number" ? iat : now, now);
  const cap = options.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
  if ((exp as number) - from > cap + leeway) return fail("lifetime_too_long");
  return { ok: true, claims: claims as JwtClaims };
}

/** The decoded bytes spell back to the same text: no padding bits set, no second spelling. */
function isCanonical(part: string): boolean {
  try {
    return base64url.encode(base64url.decode(part)) === part;
  } catch {
    return false;
  }
}

/** jose's error, as one of our reasons; anything that is not jose's is a bug and is thrown. */
function failureOf(error: unknown): JwtFailure {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, reason } = error;
    if (claim === "exp") return reason === "missing" ? "missing_exp" : "invalid_claim";
    if (claim === "nbf") return reason === "check_failed" ? "not_yet_valid" : "invalid_claim";
    if (claim === "iss") return "wrong_issuer";
    if (claim === "aud") return "wrong_audience";
    return "invalid_claim";
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "unsupported_alg";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  // The only extension jose would act on is `b64`; every other critical header is unknown to us.
  if (error instanceof errors.JOSENotSupported) return "unknown_crit";
  if (error instanceof errors.JOSEError) return "malformed";
  throw error;
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
