import { sha256Hex } from "../crypto/hash.ts";

/** What to do with a platform order number longer than the ERP's document number field. */
export const LONG_ORDER_NUMBERS = ["map", "refuse"] as const;
export type LongOrderNumbers = (typeof LONG_ORDER_NUMBERS)[number];

// Crockford's base32: no I, L, O or U, so a number read aloud or typed back is not misread.
const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const HASH_CHARS = 6;

/**
 * The number an order gets in an ERP whose document number holds at most `maxLength`
 * characters (Netsis FATIRS_NO: 15). A number that fits is used as it is. A longer one becomes
 * six characters of a hash of the whole number, a dash and as many of its last characters as
 * fit (less a separator they would start with): `SO-2026-000123456` (17) → `RJJ284-00123456`
 * for 15. The same order number always
 * gives the same document number (so a redelivered order finds itself in the ERP), the tail
 * keeps it recognisable, and two order numbers that share their tail still differ in the hash
 * (30 bits); should two ever collide, the unique index on (integration, document number)
 * refuses the second order rather than letting two orders become one. Never a truncation.
 *
 * @example await documentNumber("SO-2026-000123456", 15) // "RJJ284-00123456"
 */
export async function documentNumber(orderNumber: string, maxLength: number | undefined): Promise<string> {
  if (maxLength === undefined || orderNumber.length <= maxLength) return orderNumber;
  const digest = await sha256Hex(`order-number:${orderNumber}`);
  let hash = "";
  for (let i = 0; i < HASH_CHARS; i++) {
    hash += BASE32[Number.parseInt(digest.slice(i * 2, i * 2 + 2), 16) % 32];
  }
  // A tail that starts at a separator ("-0000001") loses it rather than show two in a row.
  const tail = orderNumber.slice(orderNumber.length - (maxLength - HASH_CHARS - 1)).replace(/^[^A-Za-z0-9]+/, "");
  return `${hash}-${tail}`;
}
