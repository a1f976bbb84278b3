import { z } from "@hono/zod-openapi";
import { baseSettings, type ConnectorDefinition, endpointUrl, secretText } from "../definition.ts";
import { connectorNotYetAvailable } from "../not-yet-available.ts";

/**
 * Netsis ERP through NetOpenX REST (`/api/v2`). Login is `POST /token` with a form body that
 * names the branch and the company database as well as the user.
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
      { sourceField: "StokTemelBilgi.KDV_Orani", targetField: "products.vatRate", transformation: "parseDecimal" },
      { sourceField: "StokKodu", targetField: "inventory.sku", transformation: "trim", required: true },
      { sourceField: "Bakiye", targetField: "inventory.stock", transformation: "parseInt", required: true },
      { sourceField: "StokKodu", targetField: "prices.sku", transformation: "trim", required: true },
      { sourceField: "Fiyat", targetField: "prices.price", transformation: "parseDecimal", required: true },
      { sourceField: "DovizTipi", targetField: "prices.currency", transformation: "uppercase", defaultValue: "TRY" },
    ],
  },
  create: () => connectorNotYetAvailable("Netsis"),
} satisfies ConnectorDefinition;
