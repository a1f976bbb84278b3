import { utf8 } from "../../crypto/encoding.ts";
import { eventIdFrom } from "./event-id.ts";
import { mismatch, missing, type Verdict, type VerifyInput } from "./verdict.ts";

const HEADER = "X-API-Key";

/**
 * The seed's alternative for senders that cannot sign: `X-API-Key` carries a secret itself.
 * Both sides are hashed first so that `timingSafeEqual` compares equal lengths and the time
 * taken says nothing about how long the secret is or how much of it a guess got right. There is
 * no signature over the body and no timestamp: a leaked key can replay anything, which is why
 * this scheme is the last resort.
 */
export async function verifyApiKey(input: VerifyInput): Promise<Verdict> {
  const sent = input.headers.get(HEADER);
  if (!sent) return missing([HEADER]);
  const digest = await sha256(sent);
  let matched = false;
  for (const secret of input.secrets) {
    if (secret.length > 0 && crypto.subtle.timingSafeEqual(digest, await sha256(secret))) matched = true;
  }
  if (!matched) return mismatch();
  return { ok: true, timestampMs: null, eventId: eventIdFrom(input.headers, [], input.settings.eventIdHeader) };
}

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", utf8.encode(text));
}
