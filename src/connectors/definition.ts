import { z } from "@hono/zod-openapi";

export const OPERATIONS = ["products", "inventory", "prices", "orders"] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * What a connector declares about itself: identity, what it can do, and the zod schemas of
 * its credentials and settings. Integrations are validated against these when saved.
 * The runtime half (testConnection, paged fetches, createOrder) joins it with the sync engine.
 */
export interface ConnectorDefinition {
  /** Stable id stored on integrations, e.g. `logo`. Lowercase letters, digits and dashes. */
  id: string;
  name: string;
  version: string;
  supportedOperations: readonly Operation[];
  /** Encrypted at rest; responses only show which fields are set. Use `.strict()`. */
  credentials: z.ZodObject;
  /** Stored in clear; must extend `baseSettings`. Use `.strict()`. */
  settings: z.ZodObject;
  /** Credential fields holding URLs the gateway will call; checked against the SSRF policy. */
  urlFields: readonly string[];
}

/** Settings every connector has. */
export const baseSettings = z.object({
  syncInterval: z
    .number()
    .int()
    .min(60_000, "must be at least 60000 (one minute)")
    .max(86_400_000, "must be at most 86400000 (one day)")
    .default(300_000)
    .openapi({ description: "Polling interval in milliseconds", example: 300_000 }),
});

/** An http(s) URL; the SSRF policy (src/net/outbound-url.ts) is applied on top when saving. */
export const endpointUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** A non-empty string that does not start or end with spaces (copy-paste accidents). */
export const secretText = (max = 512) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(max)
    .refine((v) => v.trim() === v, "must not start or end with spaces");
