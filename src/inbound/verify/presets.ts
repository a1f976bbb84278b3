import type { HmacSettings } from "../settings.ts";

/** An HMAC scheme with fixed settings, and where its sender puts the event's id. */
export interface HmacPreset {
  hmac: HmacSettings;
  /** Headers carrying the sender's event id, the first present wins. */
  idHeaders: readonly string[];
  /**
   * Append a digest of the body to the header's id. WooCommerce's delivery id is a hash of the
   * webhook's id and the current second (`get_new_delivery_id()` in class-wc-webhook.php), so two
   * different events sent in the same second share it; alone it would dedupe the second away.
   */
  idWithBodyDigest?: boolean;
}

/** The seed's scheme: `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`. */
export const SEED: HmacPreset = {
  hmac: {
    header: "X-Webhook-Signature",
    algorithm: "sha256",
    encoding: "hex",
    prefix: "sha256=",
    signedContent: "timestamp.body",
    timestampHeader: "X-Webhook-Timestamp",
  },
  idHeaders: [],
};

/**
 * Shopify: base64 HMAC-SHA256 of the raw body keyed with the app's client secret, no timestamp.
 * https://shopify.dev/docs/apps/build/webhooks/verify-deliveries and
 * https://shopify.dev/docs/apps/build/webhooks/delivery-structure (headers). The dedupe key
 * Shopify documents is X-Shopify-Event-Id (https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates);
 * X-Shopify-Webhook-Id, "a unique composite key per delivery", is the fallback.
 */
export const SHOPIFY: HmacPreset = {
  hmac: { header: "X-Shopify-Hmac-Sha256", algorithm: "sha256", encoding: "base64", prefix: "", signedContent: "body" },
  idHeaders: ["X-Shopify-Event-Id", "X-Shopify-Webhook-Id"],
};

/**
 * WooCommerce: base64 HMAC-SHA256 of the raw body keyed with the webhook's secret, no timestamp.
 * https://developer.woocommerce.com/docs/apis/rest-api/v2/webhooks/ ("a HMAC-SHA256 hash of the
 * request body"); headers as sent by `WC_Webhook::deliver()` and `generate_signature()` in
 * woocommerce/woocommerce plugins/woocommerce/includes/class-wc-webhook.php.
 */
export const WOOCOMMERCE: HmacPreset = {
  hmac: {
    header: "X-WC-Webhook-Signature",
    algorithm: "sha256",
    encoding: "base64",
    prefix: "",
    signedContent: "body",
  },
  idHeaders: ["X-WC-Webhook-Delivery-ID"],
  idWithBodyDigest: true,
};
