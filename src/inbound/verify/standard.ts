import { fromBase64 } from "../../crypto/encoding.ts";
import { anyHmacMatches, decodeSignature, importHmacKey, signedBytes } from "./bytes.ts";
import { eventIdFrom } from "./event-id.ts";
import { parseTimestamp, staleness, unparsable } from "./timestamp.ts";
import { invalid, mismatch, missing, type Verdict, type VerifyInput } from "./verdict.ts";

/**
 * Standard Webhooks (https://www.standardwebhooks.com, spec/standard-webhooks.md in
 * standard-webhooks/standard-webhooks): `v1` HMAC-SHA256 and `v1a` ed25519 signatures over
 * `<webhook-id>.<webhook-timestamp>.<raw body>`, several space-separated in `webhook-signature`
 * so a sender can sign with an old and a new key while rotating. Any one match passes.
 */
const ID = "webhook-id";
const TIMESTAMP = "webhook-timestamp";
const SIGNATURE = "webhook-signature";
/** More than a rotation ever needs; a bound on the work one request can ask for. */
const MAX_SIGNATURES = 16;

export async function verifyStandard(input: VerifyInput): Promise<Verdict> {
  const { headers, settings } = input;
  const absent = [ID, TIMESTAMP, SIGNATURE].filter((name) => !headers.get(name));
  if (absent.length > 0) return missing(absent);
  const id = headers.get(ID) ?? "";
  const timestamp = headers.get(TIMESTAMP) ?? "";

  const timestampMs = parseTimestamp(timestamp, { iso: false });
  if (timestampMs === null) return unparsable(TIMESTAMP, { iso: false });
  const entries = (headers.get(SIGNATURE) ?? "").split(" ").filter((e) => e.length > 0);
  if (entries.length > MAX_SIGNATURES)
    return invalid(`Header ${SIGNATURE} carries more than ${MAX_SIGNATURES} signatures`);
  const { v1, v1a } = parseEntries(entries);
  if (v1.length === 0 && v1a.length === 0) {
    return invalid(`Header ${SIGNATURE} has no well-formed signature: send "v1,<base64 of the 32-byte HMAC-SHA256>"`);
  }
  if (v1.length === 0 && settings.publicKey === undefined) {
    return invalid(`Header ${SIGNATURE} carries only v1a (ed25519) signatures, and this integration has no publicKey`);
  }

  const content = signedBytes(`${id}.${timestamp}.`, input.body);
  const matched =
    (v1.length > 0 && (await anyHmacMatches(await standardKeys(input.secrets), v1, content))) ||
    (v1a.length > 0 && settings.publicKey !== undefined && (await ed25519Matches(settings.publicKey, v1a, content)));
  if (!matched) return mismatch();

  const stale = staleness(timestampMs, input.now, settings.toleranceSeconds);
  if (stale) return stale;
  return { ok: true, timestampMs, eventId: eventIdFrom(headers, [ID], settings.eventIdHeader) };
}

/**
 * The entries this gateway can check. Unknown versions are skipped, as the spec's forward
 * compatibility asks; so are entries whose signature is not base64 of the right length (a bare
 * `v1,`, a truncated one): they could match nothing.
 */
function parseEntries(entries: readonly string[]): { v1: Uint8Array[]; v1a: Uint8Array[] } {
  const v1: Uint8Array[] = [];
  const v1a: Uint8Array[] = [];
  for (const entry of entries) {
    const comma = entry.indexOf(",");
    const version = comma < 0 ? "" : entry.slice(0, comma);
    if (version !== "v1" && version !== "v1a") continue;
    const decoded = decodeSignature(entry.slice(comma + 1), "base64", version === "v1" ? 32 : 64);
    if (decoded !== null) (version === "v1" ? v1 : v1a).push(decoded);
  }
  return { v1, v1a };
}

/**
 * A `whsec_` secret is base64 of the key bytes; one without the prefix is read as base64 too, as
 * the reference library does. A secret that is not base64 cannot sign anything here: skipped.
 */
function standardKeys(secrets: readonly string[]): Promise<CryptoKey[]> {
  const keys: Uint8Array[] = [];
  for (const secret of secrets) {
    try {
      const key = fromBase64(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
      if (key.length > 0) keys.push(key);
    } catch {
      // not base64: no key
    }
  }
  return Promise.all(keys.map((key) => importHmacKey(key, "sha256")));
}

/** `v1a`: ed25519 under the configured public key (`whpk_` + base64 of its 32 raw bytes). */
async function ed25519Matches(publicKey: string, signatures: readonly Uint8Array[], content: Uint8Array) {
  const raw = fromBase64(publicKey.startsWith("whpk_") ? publicKey.slice("whpk_".length) : publicKey);
  const key = await crypto.subtle.importKey("raw", raw, "Ed25519", false, ["verify"]).catch(() => null);
  if (key === null) return false;
  for (const signature of signatures) {
    if (await crypto.subtle.verify("Ed25519", key, signature, content)) return true;
  }
  return false;
}
