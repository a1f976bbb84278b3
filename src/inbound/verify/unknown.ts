import { anyHmacMatches, importHmacKey, signedBytes } from "./bytes.ts";
import { mismatch, type Verdict } from "./verdict.ts";

/**
 * The answer for a webhook to an integration that does not exist: the bad-signature verdict,
 * after about the work of a real check (a key import and an HMAC over the body), so neither the
 * answer nor its timing tells a prober which integration ids are real.
 */
export async function verifyUnknownIntegration(input: { body: Uint8Array }): Promise<Verdict> {
  const key = await importHmacKey(crypto.getRandomValues(new Uint8Array(32)), "sha256");
  const nothing = new Uint8Array(32);
  await anyHmacMatches([key], [nothing], signedBytes("0000000000.", input.body));
  return mismatch();
}
