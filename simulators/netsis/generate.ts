/** Deterministic building blocks for the generated catalogue and stock: no state, no randomness. */

/** A 32-bit mix of (row, salt): the same row gets the same values whatever else is generated. */
export function hash(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const pick = <T>(list: readonly T[], i: number, salt: number): T => list[hash(i, salt) % list.length] as T;

/** Every 5th item is sold by the kilo: fractional quantities and balances. */
export const isKg = (i: number): boolean => i % 5 === 0;

export const round3 = (n: number): number => Math.round(n * 1000) / 1000;
export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Whole cents as a price. */
export const money = (cents: number): number => Math.round(cents) / 100;
