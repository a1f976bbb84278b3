import { env } from "cloudflare:workers";
import { signJwt } from "../../src/auth/jwt.ts";
import { toBase64Url } from "../../src/crypto/encoding.ts";

type Role = "admin" | "merchant" | "viewer";

/** A valid token for `role` (signed with the test JWT_SECRET); `claims` overrides any claim. */
export async function tokenFor(role: Role, merchantId?: string, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      sub: `${role}-${merchantId ?? "platform"}`,
      role,
      ...(merchantId ? { merchantId } : {}),
      iat: now,
      exp: now + 3600,
      ...claims,
    },
    env.JWT_SECRET,
  );
}

export const admin = () => tokenFor("admin");
export const merchant = (merchantId: string) => tokenFor("merchant", merchantId);
export const viewer = (merchantId?: string) => tokenFor("viewer", merchantId);

/**
 * An HS256 JWT signed over exactly the given header and payload texts, for tokens `signJwt`
 * cannot write: `"exp":1e999` (JSON.stringify has no Infinity), odd spacing, non-objects.
 */
export async function signRawJwt(header: string, payload: string, secret: string = env.JWT_SECRET): Promise<string> {
  const text = (s: string) => toBase64Url(new TextEncoder().encode(s));
  const body = `${text(header)}.${text(payload)}`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `${body}.${toBase64Url(signature)}`;
}

/**
 * The same signature bytes spelt other ways: base64 (`+`, `/`), padded, and with the unused low
 * bits of its last character set. A verifier must accept only the canonical base64url spelling.
 */
export function respelledSignatures(token: string): Record<string, string> {
  const [header, payload, signature = ""] = token.split(".");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(signature.slice(-1));
  const spelled = {
    base64: signature.replace(/-/g, "+").replace(/_/g, "/"),
    padded: `${signature}=`,
    base64Padded: `${signature.replace(/-/g, "+").replace(/_/g, "/")}=`,
    // 32 bytes are 43 characters; the last one carries 4 bits, its 2 low bits are unused.
    lowBitsSet: `${signature.slice(0, -1)}${alphabet[last | 1]}`,
  };
  return Object.fromEntries(Object.entries(spelled).map(([k, sig]) => [k, `${header}.${payload}.${sig}`]));
}
