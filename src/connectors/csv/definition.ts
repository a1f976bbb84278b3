import { defineConnector } from "../definition.ts";
import { createCsvConnector } from "./connector.ts";
import { credentials, settings } from "./schemas.ts";

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
