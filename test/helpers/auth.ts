import { env } from "cloudflare:workers";
import { signJwt } from "../../src/auth/jwt.ts";

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
