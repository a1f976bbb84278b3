import { z } from "zod";
import { hiddenCharacterProblem } from "../http/plain-text.ts";

export const ROLES = ["admin", "merchant", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const MerchantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be 1-64 letters, digits, '.', '_' or '-'");

/** Who is calling, from the verified token's claims. */
export interface Principal {
  subject: string;
  role: Role;
  /** The merchant the caller belongs to; null for platform staff (admins, global viewers). */
  merchantId: string | null;
}

const Claims = z
  .object({
    // The subject becomes the audit log's actor and a log field: plain text only.
    sub: z
      .string()
      .min(1)
      .max(128)
      .refine((s) => hiddenCharacterProblem(s) === undefined, "must not contain control or invisible characters")
      .optional(),
    role: z.enum(ROLES),
    merchantId: MerchantId.optional(),
  })
  .refine((c) => c.role !== "merchant" || c.merchantId !== undefined, {
    message: "a merchant token needs a merchantId claim",
    path: ["merchantId"],
  });

/** The principal a token stands for, or a reason why its claims make no sense. */
export function principalFromClaims(
  claims: Record<string, unknown>,
): { ok: true; principal: Principal } | { ok: false; reason: string } {
  const parsed = Claims.safeParse(claims);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `claim ${issue?.path.join(".") || "?"}: ${issue?.message ?? "invalid"}` };
  }
  const { sub, role, merchantId } = parsed.data;
  // Admins act across merchants by definition; a stray merchantId claim does not narrow them.
  const scope = role === "admin" ? null : (merchantId ?? null);
  return { ok: true, principal: { subject: sub ?? `${role}:${merchantId ?? "platform"}`, role, merchantId: scope } };
}

/** Null when the principal may see every merchant; otherwise the one merchant it may see. */
export function merchantScope(p: Principal): string | null {
  return p.merchantId;
}

export function canWrite(p: Principal): boolean {
  return p.role === "admin" || p.role === "merchant";
}

/** Whether `p` may see a resource owned by `merchantId`. */
export function canSee(p: Principal, merchantId: string): boolean {
  const scope = merchantScope(p);
  return scope === null || scope === merchantId;
}
