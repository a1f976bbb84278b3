import { z } from "@hono/zod-openapi";

/** How a sender proves a webhook is theirs (src/inbound/verify/). */
export const WEBHOOK_SCHEMES = ["seed", "standard", "hmac", "shopify", "woocommerce", "api_key"] as const;
export type WebhookScheme = (typeof WEBHOOK_SCHEMES)[number];

const HeaderName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/, "must be an HTTP header name");

/** The generic HMAC scheme: which header carries what signature over which content. */
export const hmacSettings = z
  .object({
    header: HeaderName.openapi({ description: "Header carrying the signature", example: "x-signature" }),
    algorithm: z.enum(["sha256", "sha512"]).default("sha256"),
    encoding: z.enum(["hex", "base64"]).default("hex"),
    /** A prefix before the signature in the header, such as `sha256=`; stripped before comparing. */
    prefix: z.string().max(32).default(""),
    signedContent: z.enum(["body", "timestamp.body"]).default("body").openapi({
      description: "What is signed: the raw body, or `<timestamp>.<raw body>` with the timestamp header's value",
    }),
    timestampHeader: HeaderName.optional().openapi({
      description: "Header carrying the timestamp (ISO 8601 or Unix seconds); required for `timestamp.body`",
    }),
  })
  .refine((h) => h.signedContent === "body" || h.timestampHeader !== undefined, {
    message: "timestampHeader is required when signedContent is timestamp.body",
    path: ["timestampHeader"],
  });
export type HmacSettings = z.infer<typeof hmacSettings>;

/**
 * An integration's incoming webhooks: how they are verified, how their events are identified
 * and ordered, and which mapping turns them into platform records. Every connector's settings
 * include these under `webhook` (src/connectors/settings.ts composes them).
 */
export const webhookSettings = z
  .object({
    scheme: z.enum(WEBHOOK_SCHEMES).default("seed").openapi({
      description:
        "`seed`: X-Webhook-Signature sha256=<hex HMAC of '<timestamp>.<body>'> with X-Webhook-Timestamp; `standard`: Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); `hmac`: the generic HMAC described by `hmac`; `shopify`, `woocommerce`: those senders' headers; `api_key`: X-API-Key equal to the secret, for senders that cannot sign",
    }),
    toleranceSeconds: z.number().int().min(1).max(3600).default(300).openapi({
      description: "A signed timestamp further than this from now, in the past or the future, is refused",
    }),
    hmac: hmacSettings.optional().openapi({ description: "Required for the `hmac` scheme" }),
    publicKey: z
      .string()
      .trim()
      .regex(
        /^(whpk_)?[A-Za-z0-9+/]{43}=?$/,
        "must be an ed25519 public key: 32 bytes as base64, optionally whpk_-prefixed",
      )
      .optional()
      .openapi({ description: "Standard Webhooks only: verifies `v1a` (ed25519) signatures besides `v1`" }),
    eventIdHeader: HeaderName.optional().openapi({
      description:
        "Header carrying the sender's event id (Standard Webhooks' webhook-id and the presets' own headers are read anyway); without one, body `eventId`, else a hash of the body",
    }),
    secretOverlapHours: z.number().int().min(0).max(720).default(24).openapi({
      description: "After a rotation the previous secret still verifies for this long",
    }),
    mapping: z.enum(["events", "integration"]).default("events").openapi({
      description:
        "`events`: the gateway's event mapping (sku, name, stock, price, ... as in the seed's example); `integration`: the integration's own mapping, for senders that send the ERP's field names",
    }),
  })
  .refine((w) => w.scheme !== "hmac" || w.hmac !== undefined, {
    message: "the hmac scheme needs `hmac` (header, algorithm, encoding, signedContent)",
    path: ["hmac"],
  });
export type WebhookSettings = z.infer<typeof webhookSettings>;
