import { anyHmacMatches, DIGEST_BYTES, decodeSignature, signedBytes, textKeys } from "./bytes.ts";
import { eventIdFrom, withBodyDigest } from "./event-id.ts";
import type { HmacPreset } from "./presets.ts";
import { parseTimestamp, staleness, unparsable } from "./timestamp.ts";
import { invalid, mismatch, missing, type Verdict, type VerifyInput } from "./verdict.ts";

/**
 * One HMAC in one header over the raw body or `<timestamp>.<raw body>`, keyed with each secret's
 * UTF-8 bytes: the seed's scheme, the generic `hmac` scheme and the Shopify and WooCommerce
 * presets. A timestamp header that is not part of the signed content is not checked: anyone
 * could change it, so refusing on it would only refuse honest senders with slow clocks.
 */
export async function verifyHmac(preset: HmacPreset, input: VerifyInput): Promise<Verdict> {
  const { hmac } = preset;
  const { headers, settings } = input;
  const timestampHeader = hmac.signedContent === "timestamp.body" ? hmac.timestampHeader : undefined;

  const required = timestampHeader === undefined ? [hmac.header] : [hmac.header, timestampHeader];
  const absent = required.filter((name) => !headers.get(name));
  if (absent.length > 0) return missing(absent);
  const sent = headers.get(hmac.header) ?? "";
  const timestamp = timestampHeader === undefined ? null : (headers.get(timestampHeader) ?? "");

  let timestampMs: number | null = null;
  if (timestampHeader !== undefined && timestamp !== null) {
    timestampMs = parseTimestamp(timestamp, { iso: true });
    if (timestampMs === null) return unparsable(timestampHeader, { iso: true });
  }
  if (!sent.startsWith(hmac.prefix)) return invalid(`Header ${hmac.header} must start with "${hmac.prefix}"`);
  const signature = decodeSignature(sent.slice(hmac.prefix.length), hmac.encoding, DIGEST_BYTES[hmac.algorithm]);
  if (signature === null) return invalid(malformed(preset));

  const content = signedBytes(timestamp === null ? "" : `${timestamp}.`, input.body);
  const keys = await textKeys(input.secrets, hmac.algorithm);
  if (!(await anyHmacMatches(keys, [signature], content))) return mismatch();

  if (timestampMs !== null) {
    const stale = staleness(timestampMs, input.now, settings.toleranceSeconds);
    if (stale) return stale;
  }
  const id = eventIdFrom(headers, preset.idHeaders, settings.eventIdHeader);
  return {
    ok: true,
    timestampMs,
    eventId: id !== null && preset.idWithBodyDigest ? await withBodyDigest(id, input.body) : id,
  };
}

function malformed({ hmac }: HmacPreset): string {
  const bytes = DIGEST_BYTES[hmac.algorithm];
  const form = hmac.encoding === "hex" ? `${bytes * 2} hex digits` : `base64 of ${bytes} bytes`;
  const after = hmac.prefix ? ` after "${hmac.prefix}"` : "";
  return `Header ${hmac.header} must carry the HMAC-${hmac.algorithm.toUpperCase()} as ${form}${after}`;
}
