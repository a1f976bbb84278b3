import { z } from "@hono/zod-openapi";
import { baseSettings, type ConnectorDefinition, endpointUrl, secretText } from "../definition.ts";
import { createCsvConnector } from "./connector.ts";

/**
 * Generic CSV: a file at an HTTPS URL (optionally behind basic or bearer auth), or files
 * uploaded through the API, in which case `url` is left out.
 */
export const csvConnector = {
  name: "Generic CSV",
  version: "1.0.0",
  supportedOperations: ["products", "inventory", "prices"],
  credentials: z
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
    }),
  settings: baseSettings
    .extend({
      delimiter: z.enum(["auto", ",", ";", "\t"]).default("auto"),
      encoding: z.enum(["utf-8", "windows-1254"]).default("utf-8"),
      decimalSeparator: z.enum([".", ","]).default("."),
      hasHeader: z.boolean().default(true),
    })
    .strict(),
  urlFields: ["url"],
  // One file feeds every entity: each page of rows is mapped to products, inventory and prices.
  streams: [{ name: "rows", entities: ["products", "inventory", "prices"] }],
  defaultMapping: {
    mappings: [
      { sourceField: "sku", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "name", targetField: "products.name", transformation: "trim", required: true },
      { sourceField: "barcode", targetField: "products.barcode", transformation: "trim" },
      { sourceField: "sku", targetField: "inventory.sku", transformation: "trim", required: true },
      { sourceField: "stock", targetField: "inventory.stock", transformation: "parseInt", required: true },
      { sourceField: "sku", targetField: "prices.sku", transformation: "trim", required: true },
      { sourceField: "price", targetField: "prices.price", transformation: "parseDecimal", required: true },
      { sourceField: "currency", targetField: "prices.currency", transformation: "uppercase", defaultValue: "TRY" },
    ],
  },
  create: createCsvConnector,
} satisfies ConnectorDefinition;
