import { z } from "@hono/zod-openapi";
import type { MappingInput } from "../mapping/schema.ts";
import type { Entity } from "../platform/records.ts";

export const OPERATIONS = ["products", "inventory", "prices", "orders"] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * A source a connector reads page by page, and the entities its rows feed. A CSV file is one
 * stream feeding products, inventory and prices; an ERP has one stream per endpoint.
 */
export interface StreamDefinition {
  name: string;
  entities: readonly Entity[];
  /**
   * The stream can start from where the last complete run ended: its pages report a
   * `watermark`, the gateway keeps the last one of a finished run, and the next run's first
   * page gets it as `since` (unless the run is forced).
   */
  incremental?: boolean;
}

/** One page of raw source rows. The cursor is opaque to everyone but the connector. */
export interface SourcePage {
  rows: Record<string, unknown>[];
  /** Where the next page starts; null when the stream is exhausted. */
  nextCursor: string | null;
  /** Rows the connector could not read at all (e.g. a CSV row with the wrong field count). */
  malformed: { row: number; key?: string; reason: string }[];
  /** The number of the first row of this page, counting from 1 across pages, when known. */
  firstRow?: number;
  /**
   * Incremental streams: the position of the last row read so far in change order (opaque to
   * the gateway). The last page's watermark becomes the next run's `since`.
   */
  watermark?: string | null;
}

/** What a page knows beyond its cursor. */
export interface PageOptions {
  /** Incremental streams, first page only: the watermark of the last complete run, or null. */
  since: string | null;
}

export const CAPABILITIES = ["auth", "readItems", "readStock", "readPrices", "writeOrders"] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What works with the given credentials, each with the upstream's own words when it fails. */
export interface CapabilityReport {
  ok: boolean;
  checks: { capability: Capability; status: "ok" | "failed" | "unsupported"; message?: string }[];
}

/** An order from the platform, to be written into the ERP (connectors with the `orders` operation). */
export interface PlatformOrder {
  orderNumber: string;
  customerCode: string;
  currency: string;
  createdAt: string;
  lines: { sku: string; quantity: number; unitPrice: number; vatRate: number }[];
}

/** What a connector instance gets: decrypted credentials, parsed settings, and the means to call out. */
export interface ConnectorContext {
  integrationId: string;
  merchantId: string;
  credentials: Record<string, unknown>;
  settings: Record<string, unknown>;
  /** `fetch` with the SSRF policy, a timeout and manual redirects (src/net/guarded-fetch.ts). */
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  env: Env;
  /** Set when a run reads something other than the configured source, e.g. `upload:upl_…`. */
  source?: string | undefined;
}

/** A connector bound to one integration. Failures are `UpstreamError`s (src/net/upstream-error.ts). */
export interface Connector {
  testConnection(): Promise<CapabilityReport>;
  fetchPage(stream: string, cursor: string | null, pageSize: number, options?: PageOptions): Promise<SourcePage>;
  /** Only for connectors with the `orders` operation. Must not create a second ERP order for one orderNumber. */
  createOrder?(order: PlatformOrder): Promise<{ erpOrderId: string; created: boolean }>;
}

/**
 * What a connector declares about itself, and the factory (`create`) that binds it to an
 * integration. Register it with `registerConnector(id, definition)`.
 */
export interface ConnectorDefinition {
  name: string;
  version: string;
  supportedOperations: readonly Operation[];
  /** Encrypted at rest; responses only show which fields are set. Use `.strict()`. */
  credentials: z.ZodObject;
  /** Stored in clear; must extend `baseSettings`. Use `.strict()`. */
  settings: z.ZodObject;
  /** Credential fields holding URLs the gateway will call; checked against the SSRF policy. */
  urlFields: readonly string[];
  streams: readonly StreamDefinition[];
  /** The mapping a new integration starts from until one is saved for it. */
  defaultMapping: MappingInput;
  create(context: ConnectorContext): Connector;
}

/** A registered connector: its definition and the id it was registered under. */
export type RegisteredConnector = ConnectorDefinition & { id: string };

/** Settings every connector has. */
export const baseSettings = z.object({
  syncInterval: z
    .number()
    .int()
    .min(60_000, "must be at least 60000 (one minute)")
    .max(86_400_000, "must be at most 86400000 (one day)")
    .default(300_000)
    .openapi({ description: "Polling interval in milliseconds", example: 300_000 }),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(2000)
    .default(500)
    .openapi({ description: "Source rows per queue message; one page is one Worker invocation" }),
  circuitFailureThreshold: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(3)
    .openapi({ description: "Consecutive failures of the ERP (or the platform) that open the circuit" }),
  circuitCooldownSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(30)
    .openapi({ description: "Wait before the first probe; doubles with each re-open" }),
  circuitMaxCooldownSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(1800)
    .openapi({ description: "Cap of that wait" }),
  rateLimitRequests: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(10)
    .openapi({ description: "Calls to the merchant's system allowed per `rateLimitPer`" }),
  rateLimitPer: z.enum(["second", "minute"]).default("second"),
  webhookDedupeHours: z
    .number()
    .int()
    .min(72)
    .max(720)
    .default(72)
    .openapi({ description: "How long webhook event ids are remembered to drop duplicates" }),
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
