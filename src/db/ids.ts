const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A prefixed, time-ordered id (`int_01JD3…`): 48 bits of milliseconds then 80 random bits,
 * in Crockford base32 like a ULID. Sorting ids sorts by creation time, which keeps indexes
 * append-mostly and makes ids readable in logs.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = crypto.getRandomValues(new Uint8Array(16));
  let rest = "";
  for (const b of random) rest += CROCKFORD[b % 32];
  return `${prefix}_${time}${rest}`;
}

/** Matches ids made by `newId(prefix)`. */
export function idPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
}
