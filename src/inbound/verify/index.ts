import type { HmacSettings, WebhookScheme } from "../settings.ts";
import { verifyApiKey } from "./api-key.ts";
import { verifyHmac } from "./hmac.ts";
import { type HmacPreset, SEED, SHOPIFY, WOOCOMMERCE } from "./presets.ts";
import { verifyStandard } from "./standard.ts";
import { invalid, type Verdict, type VerifyInput } from "./verdict.ts";

export { generateWebhookSecret } from "./secret.ts";
export { verifyUnknownIntegration } from "./unknown.ts";
export type { Verdict, VerifyFailure, VerifyInput } from "./verdict.ts";

/**
 * Checks that a delivery comes from the integration's sender, on the raw bytes, before anything
 * is parsed. Pure: no I/O, no clock (`now` comes in), so the endpoint decides what a verdict
 * costs the sender (401 with its code) and the tests can move time freely.
 *
 * The checks run in one order for every scheme: required headers (MISSING), their form
 * (INVALID, an unparsable timestamp included), the signature (INVALID), then the timestamp's
 * distance from `now` (STALE). The reference library checks the timestamp before the signature;
 * either order refuses the same requests, but checking the signature first means that STALE
 * only ever reports a genuine delivery sent at the wrong time (a sender's clock, a replayed
 * capture), which is what a merchant reading the rejected list needs to know; a forgery with an
 * old timestamp stays a forgery. An HMAC costs microseconds, so there is no flood worth the
 * shortcut.
 *
 * @example
 * const verdict = await verifyWebhook({ settings, headers: c.req.raw.headers, body, secrets, now: Date.now() });
 * if (!verdict.ok) return refuse(verdict.code, verdict.message); // 401, the code as given
 */
export async function verifyWebhook(input: VerifyInput): Promise<Verdict> {
  const scheme: WebhookScheme = input.settings.scheme;
  switch (scheme) {
    case "seed":
      return verifyHmac(SEED, input);
    case "shopify":
      return verifyHmac(SHOPIFY, input);
    case "woocommerce":
      return verifyHmac(WOOCOMMERCE, input);
    case "hmac":
      return input.settings.hmac === undefined
        ? invalid("The hmac scheme needs its settings (header, algorithm, encoding, signedContent)")
        : verifyHmac(generic(input.settings.hmac), input);
    case "standard":
      return verifyStandard(input);
    case "api_key":
      return verifyApiKey(input);
  }
}

const generic = (hmac: HmacSettings): HmacPreset => ({ hmac, idHeaders: [] });
