import { signJwt } from "../../src/auth/jwt.ts";

export interface MintOptions {
  role: "admin" | "merchant" | "viewer";
  merchantId?: string | undefined;
  subject?: string | undefined;
  ttlSeconds?: number;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** A token the local gateway accepts, signed with the local JWT_SECRET. */
export function mintToken(secret: string, o: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      sub: o.subject ?? (o.role === "admin" ? "dev-admin" : `dev-${o.role}${o.merchantId ? `@${o.merchantId}` : ""}`),
      role: o.role,
      ...(o.merchantId ? { merchantId: o.merchantId } : {}),
      ...(o.issuer ? { iss: o.issuer } : {}),
      ...(o.audience ? { aud: o.audience } : {}),
      iat: now,
      exp: now + (o.ttlSeconds ?? 12 * 3600),
    },
    secret,
  );
}
