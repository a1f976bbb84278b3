import type { Verdict } from "./verdict.ts";

const UNIX_SECONDS = /^\d{1,12}$/;
/**
 * RFC 3339 with a mandatory zone. The zone matters beyond meaning: in `<timestamp>.<body>` a
 * timestamp ending in `Z` or `+03:00` cannot be cut short at its fractional dot to move bytes
 * between the timestamp and the body.
 */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Unix seconds, or also ISO 8601 when `iso` (the seed's form); null when it is neither. */
export function parseTimestamp(value: string, { iso }: { iso: boolean }): number | null {
  if (UNIX_SECONDS.test(value)) return Number(value) * 1000;
  if (!iso || !ISO_8601.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function unparsable(header: string, { iso }: { iso: boolean }): Verdict {
  const form = iso ? "Unix seconds or ISO 8601 with a zone (2024-01-20T10:30:00Z)" : "integer Unix seconds";
  return {
    ok: false,
    code: "WEBHOOK_SIGNATURE_INVALID",
    message: `Header ${header} is not a timestamp: send ${form}`,
  };
}

/**
 * Refuses a timestamp further than the tolerance from now, either way: an old one is a replay or
 * a retry signed long ago, a future one a sender's clock to fix. Only called once the signature
 * matched, so "stale" always means a genuine delivery at the wrong time (see index.ts).
 */
export function staleness(timestampMs: number, now: number, toleranceSeconds: number): Verdict | null {
  const skewSeconds = Math.round((now - timestampMs) / 1000);
  if (Math.abs(now - timestampMs) <= toleranceSeconds * 1000) return null;
  const where = skewSeconds > 0 ? `${skewSeconds} s old` : `${-skewSeconds} s in the future`;
  return {
    ok: false,
    code: "WEBHOOK_TIMESTAMP_STALE",
    message: `The signed timestamp is ${where}; at most ${toleranceSeconds} s either way is accepted: sign each delivery (and each retry) when sending it, with a synchronised clock`,
  };
}
