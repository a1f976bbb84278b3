import { z } from "@hono/zod-openapi";
import { baseSettings, type ConnectorDefinition, endpointUrl, secretText } from "../definition.ts";
import { connectorNotYetAvailable } from "../not-yet-available.ts";

/**
 * Logo ERP through Logo Objects REST (`/api/v1`). Login is `POST /token` with a form body
 * (`grant_type=password`, `username`, `password`, `firmno`) and the REST client's id and
 * secret as HTTP Basic; many installations keep Logo's default client, hence the optional pair.
 * The stock view is `LV_{firmNo}_{periodNo}_STINVTOT`, so the period is a setting.
 */
export const logoConnector = {
  name: "Logo ERP (Logo Objects REST)",
  version: "1.0.0",
  supportedOperations: ["products", "inventory", "prices", "orders"],
  credentials: z
    .object({
      endpoint: endpointUrl.openapi({ example: "https://erp.example.com/api/v1" }),
      username: secretText(256),
      password: secretText(),
      firmNo: z.number().int().min(1).max(9999).openapi({ description: "Logo firm number (firmno)", example: 1 }),
      clientId: secretText(256).optional(),
      clientSecret: secretText().optional(),
    })
    .strict()
    .refine((c) => (c.clientId === undefined) === (c.clientSecret === undefined), {
      message: "clientId and clientSecret go together",
      path: ["clientSecret"],
    }),
  settings: baseSettings
    .extend({
      periodNo: z.number().int().min(1).max(99).default(1).openapi({ description: "Logo period number" }),
      warehouseNo: z.number().int().min(-1).default(-1).openapi({ description: "INVENNO; -1 sums all warehouses" }),
      priceListCode: z.string().min(1).max(64).optional(),
      currency: z.string().length(3).default("TRY"),
    })
    .strict(),
  urlFields: ["endpoint"],
  streams: [
    { name: "items", entities: ["products"] },
    { name: "stock", entities: ["inventory"] },
    { name: "prices", entities: ["prices"] },
  ],
  defaultMapping: {
    mappings: [
      { sourceField: "CODE", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "NAME", targetField: "products.name", transformation: "trim", required: true },
      { sourceField: "EAN_BARCODE", targetField: "products.barcode", transformation: "trim" },
      { sourceField: "UNITSET_CODE", targetField: "products.unit", transformation: "trim" },
      { sourceField: "VAT", targetField: "products.vatRate", transformation: "parseDecimal" },
      { sourceField: "CODE", targetField: "inventory.sku", transformation: "trim", required: true },
      { sourceField: "ONHAND", targetField: "inventory.stock", transformation: "parseInt", required: true },
      { sourceField: "CODE", targetField: "prices.sku", transformation: "trim", required: true },
      { sourceField: "PRICE", targetField: "prices.price", transformation: "parseDecimal", required: true },
      { sourceField: "CURRENCY", targetField: "prices.currency", transformation: "uppercase", defaultValue: "TRY" },
    ],
  },
  create: () => connectorNotYetAvailable("Logo"),
} satisfies ConnectorDefinition;
