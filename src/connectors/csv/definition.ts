import { z } from "@hono/zod-openapi";
import { defineConnector } from "../definition.ts";
import { baseSettings, endpointUrl, secretText } from "../settings.ts";
import { createCsvConnector } from "./connector.ts";

const credentials = z
  .object({
    url: endpointUrl.optional().openapi({ example: "https://files.example.com/export/stock.csv" }),
    username: secretText(256).optional(),
    password: secretText().optional(),
    bearerToken: secretText(4096).optional(),
  })
  .strict()
  .refine((c) => (c.username === undefined) === (c.password === undefined), {
    message: "basic auth needs both username and password",
    path: ["password"],
  })
  .refine((c) => !(c.bearerToken && c.username), {
    message: "use either basic auth (username/password) or bearerToken, not both",
    path: ["bearerToken"],
  });

const settings = baseSettings
  .extend({
    delimiter: z.enum(["auto", ",", ";", "\t"]).default("auto"),
    encoding: z.enum(["utf-8", "windows-1254"]).default("utf-8"),
    decimalSeparator: z.enum([".", ","]).default("."),
    hasHeader: z.boolean().default(true),
    // A file may hold part of a catalogue (a stock-only export, one upload of several), so a
    // row missing from it says nothing unless the merchant says the file is the whole catalogue.
    deletions: z.enum(["deactivate", "ignore"]).default("ignore"),
  })
  .strict();

export type CsvCredentials = z.output<typeof credentials>;
export type CsvSettings = z.output<typeof settings>;

/**
 * Generic CSV: a file at an HTTPS URL (optionally behind basic or bearer auth), or files
 * uploaded through the API, in which case `url` is left out.
 */
export const csvConnector = defineConnector({
  name: "Generic CSV",
  version: "1.0.0",
  supportedOperations: ["products", "inventory", "prices"],
  credentials,
  settings,
  urlFields: ["url"],
  // One file feeds every entity: each page of rows is mapped to products, inventory and prices.
  streams: [{ name: "rows", entities: ["products", "inventory", "prices"] }],
  defaultMapping: {
    mappings: [
      { sourceField: "sku", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "name", targetField: "products.name", transformation: "trim", required: true },
      { sourceField: "barcode", targetField: "products.barcode", transformation: "trim" },
      { sourceField: "sku", targetField: "inventory.sku", transformation: "trim", required: true },
      // parseDecimal, not parseInt: 2,5 kg on hand is read, then rounded down to what can be sold.
      { sourceField: "stock", targetField: "inventory.stock", transformation: "parseDecimal", required: true },
      { sourceField: "sku", targetField: "prices.sku", transformation: "trim", required: true },
      { sourceField: "price", targetField: "prices.price", transformation: "parseDecimal", required: true },
      { sourceField: "currency", targetField: "prices.currency", transformation: "uppercase", defaultValue: "TRY" },
    ],
  },
  create: createCsvConnector,
});
