import type { z } from "@hono/zod-openapi";
import type { MappingInput } from "../mapping/schema.ts";
import type { Entity } from "../platform/records.ts";
import type { ByteSource } from "../uploads/byte-source.ts";

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
  /**
   * Set when this page may have missed rows (e.g. records moved under an offset during the
   * run), saying why: the run then takes nothing missing from its read as deleted.
   */
  incomplete?: string;
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
  /**
   * The number the ERP stores it under (`orderNumberMaxLength`): the order number, or one that
   * fits. Write it and look it up by it; never shorten it further.
   */
  documentNumber: string;
  customerCode: string;
  currency: string;
  createdAt: string;
  lines: { sku: string; quantity: number; unitPrice: number; vatRate: number }[];
}

/**
 * What a connector instance gets — and nothing more: its credentials (decrypted) and settings,
 * both parsed by the connector's own schemas (so defaults are filled in and the types are the
 * schemas' output), and the one way to call out.
 */
export interface ConnectorContext<C = Record<string, unknown>, S = Record<string, unknown>> {
  integrationId: string;
  merchantId: string;
  credentials: C;
  settings: S;
  /** `fetch` with the SSRF policy, a timeout and manual redirects (src/net/guarded-fetch.ts), under the rate limit. */
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** An uploaded file this run reads instead of the configured source (connectors that read files). */
  upload?: ByteSource | undefined;
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
 * integration. Write it with `defineConnector` (so `create` sees the schemas' types) and
 * register it with `registerConnector(id, definition)`.
 */
export interface ConnectorDefinition<C extends z.ZodObject = z.ZodObject, S extends z.ZodObject = z.ZodObject> {
  name: string;
  version: string;
  supportedOperations: readonly Operation[];
  /** Encrypted at rest; responses only show which fields are set. Use `.strict()`. */
  credentials: C;
  /** Stored in clear; must extend `baseSettings` (settings.ts). Use `.strict()`. */
  settings: S;
  /** Credential fields holding URLs the gateway will call; checked against the SSRF policy. */
  urlFields: readonly string[];
  streams: readonly StreamDefinition[];
  /** The mapping a new integration starts from until one is saved for it. */
  defaultMapping: MappingInput;
  /**
   * Connectors that write orders: the longest document number the ERP stores. Longer platform
   * order numbers are mapped to one that fits (src/orders/document-number.ts) or refused.
   */
  orderNumberMaxLength?: number;
  /**
   * Why a field of the seed API this connector does not use is ignored, and what to use
   * instead, keyed `credentials.apiKey`, `settings.warehouseCode`… (src/integrations/compat.ts).
   */
  fieldHints?: Readonly<Record<string, string>>;
  /** Notes on a valid configuration, shown when it is saved (e.g. an endpoint the connector completes). */
  advise?(credentials: z.output<C>, settings: z.output<S>): { field: string; message: string }[];
  create(context: ConnectorContext<z.output<C>, z.output<S>>): Connector;
}

/** A registered connector: its definition and the id it was registered under. */
export type RegisteredConnector = ConnectorDefinition & { id: string };

/**
 * Declares a connector; `create` receives credentials and settings typed as the output of
 * the definition's own schemas.
 *
 * @example export const myErp = defineConnector({ name: "My ERP", credentials, settings, create: (ctx) => … })
 */
export function defineConnector<C extends z.ZodObject, S extends z.ZodObject>(
  definition: ConnectorDefinition<C, S>,
): ConnectorDefinition<C, S> {
  return definition;
}
