import { z } from "@hono/zod-openapi";
import { baseSettings, type ConnectorDefinition, endpointUrl, secretText } from "../definition.ts";
import { createNetsisConnector } from "./connector.ts";

/**
 * Netsis ERP through NetOpenX REST (`/api/v2`). Login is `POST /token` with a form body that
 * names the branch and the company database as well as the user. Three streams, each read in
 * full by offset: stock cards (`items`), stock balances (`stock`), sales prices (`prices`);
 * orders are written as sales-order slips. The API shapes assumed are in connector.ts.
 */
export const netsisConnector = {
  name: "Netsis ERP (NetOpenX REST)",
  version: "1.0.0",
  supportedOperations: ["products", "inventory", "prices", "orders"],
  credentials: z
    .object({
      endpoint: endpointUrl.openapi({ example: "https://netsis.example.com/api/v2" }),
      username: secretText(256),
      password: secretText(),
      branchCode: z.number().int().min(0).max(9999).openapi({ description: "Sube_Kodu", example: 0 }),
      dbName: z.string().min(1).max(128),
      dbUser: secretText(256),
      dbPassword: secretText(),
      dbType: z.enum(["MSSQL", "ORACLE"]).default("MSSQL"),
    })
    .strict(),
  settings: baseSettings
    .extend({
      warehouseCode: z.number().int().min(0).optional().openapi({ description: "DEPO_KODU; all when omitted" }),
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
      { sourceField: "StokTemelBilgi.Stok_Kodu", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "StokTemelBilgi.Stok_Adi", targetField: "products.name", transformation: "trim", required: true },
      { sourceField: "StokTemelBilgi.Grup_Kodu", targetField: "products.category", transformation: "trim" },
      { sourceField: "StokEkBilgi.Barkod1", targetField: "products.barcode", transformation: "trim" },
      { sourceField: "StokTemelBilgi.KDV_Orani", targetField: "products.vatRate", transformation: "parseDecimal" },
      {
        sourceField: "StokTemelBilgi.Olcu_Br1",
        targetField: "products.unit",
        transformation: "trim|uppercase|lookup:netsisUnits",
      },
      { sourceField: "StokKodu", targetField: "inventory.sku", transformation: "trim", required: true },
      // KG balances are fractional; the platform counts whole units.
      { sourceField: "Bakiye", targetField: "inventory.stock", transformation: "parseDecimal|round:0", required: true },
      { sourceField: "DepoKodu", targetField: "inventory.warehouse", transformation: "toString" },
      { sourceField: "StokKodu", targetField: "prices.sku", transformation: "trim", required: true },
      { sourceField: "Fiyat", targetField: "prices.price", transformation: "parseDecimal", required: true },
      {
        sourceField: "DovizTipi",
        targetField: "prices.currency",
        transformation: "lookup:netsisCurrencies",
        defaultValue: "TRY",
      },
      { sourceField: "KdvDahil", targetField: "prices.vatIncluded", transformation: "toBoolean" },
    ],
    lookups: {
      netsisCurrencies: { "0": "TRY", "1": "USD", "2": "EUR" },
      netsisUnits: {
        AD: "piece",
        ADET: "piece",
        KG: "kg",
        GR: "g",
        LT: "l",
        MT: "m",
        M2: "m2",
        M3: "m3",
        PK: "pack",
        KOLI: "box",
        KUTU: "box",
        TAKIM: "set",
        CIFT: "pair",
      },
    },
  },
  create: createNetsisConnector,
} satisfies ConnectorDefinition;
