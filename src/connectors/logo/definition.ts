import { z } from "@hono/zod-openapi";
import { baseSettings, type ConnectorDefinition, endpointUrl, secretText } from "../definition.ts";
import { createLogoConnector } from "./connector.ts";

/**
 * Logo ERP through Logo Objects REST (`/api/v1`). Login is `POST /token` with a form body
 * (`grant_type=password`, `username`, `password`, `firmno`) and the REST client's id and
 * secret as HTTP Basic; many installations keep Logo's default client (LOGO/LOGO), hence the
 * optional pair. Errors are `{ error, error_description }` (`invalid_grant`, `invalid_client`,
 * `invalid_token`, `access_denied`).
 *
 * Shapes public clients show: `GET /items` with `q`, `sort`, `fields`, `offset`, `limit`,
 * `withCount` and the envelope `{ offset, count, totalCount, limit, next, items }`; item fields
 * CODE, NAME, VAT, EAN_BARCODE, UNITSET_CODE, INTERNAL_REFERENCE and the change time
 * DATE_MODIFIED + HOUR_/MIN_/SEC_MODIFIED; `/salesItemPrices` (CARD_CODE, PRICE, CURRENCY,
 * VAT_INCL, PTYPE); `/queries?tsql=`; `POST /salesOrders`.
 *
 * Chosen where they are silent (and served exactly so by simulators/logo):
 * - `q` is OData-like: `FIELD eq|ne|gt|ge|lt|le <number | 'text'>` with `and`, `or` and
 *   parentheses; DATE_MODIFIED is text `YYYY-MM-DD` compared as text; `sort` is a comma list,
 *   ascending. `next` is the next page's URL or null; at most 1000 rows per page.
 * - Change times are the ERP's local time (Turkey, UTC+3, no daylight saving).
 * - Stock is one T-SQL statement: `SELECT S.STOCKREF, I.CODE, SUM(S.ONHAND) AS ONHAND FROM
 *   LV_{firm:3}_{period:2}_STINVTOT S INNER JOIN LG_{firm:3}_ITEMS I ON I.LOGICALREF = S.STOCKREF
 *   WHERE S.INVENNO = {warehouseNo} GROUP BY S.STOCKREF, I.CODE ORDER BY S.STOCKREF`.
 * - Prices: `q=PTYPE eq 2` (and `CODE eq '<priceListCode>'`, CODE being the price card's code),
 *   sorted by LOGICALREF; CURRENCY is Logo's currency number (0 and 160 TL, 1 USD, 20 EUR).
 * - Orders: `GET /salesOrders?q=NUMBER eq '…'` finds an order by number; `POST /salesOrders`
 *   answers 201 `{ INTERNAL_REFERENCE, NUMBER }`; with `?validateOnly=true` it writes nothing
 *   and answers 200 when the user may write orders (the connection test's probe). DATE is the
 *   order's day in ERP time, `YYYY-MM-DD`.
 *
 * Mapping: a price's VAT rate lives on its item, not on the price row, and `vatInclude:<rate>`
 * takes a fixed rate, so prices are pushed as Logo holds them, with `vatIncluded` from VAT_INCL;
 * a merchant with one VAT rate can add `|vatInclude:20` to prices.price. Units go through the
 * `logoUnits` table: a unit set missing from it rejects the product, so add yours.
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
      currency: z.string().length(3).default("TRY").openapi({ description: "The currency orders are written in" }),
      // Optional rather than defaulted, so that integrations saved before it keep their exact settings.
      incrementalOverlapSeconds: z.number().int().min(0).max(86_400).optional().openapi({
        description:
          "An incremental items read starts this long before the last one ended (late commits, same second); default 60",
      }),
    })
    .strict(),
  urlFields: ["endpoint"],
  streams: [
    { name: "items", entities: ["products"], incremental: true },
    { name: "stock", entities: ["inventory"] },
    { name: "prices", entities: ["prices"] },
  ],
  defaultMapping: {
    mappings: [
      { sourceField: "CODE", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "NAME", targetField: "products.name", transformation: "trim", required: true },
      { sourceField: "EAN_BARCODE", targetField: "products.barcode", transformation: "trim" },
      { sourceField: "UNITSET_CODE", targetField: "products.unit", transformation: "trim|uppercase|lookup:logoUnits" },
      { sourceField: "VAT", targetField: "products.vatRate", transformation: "parseDecimal" },
      { sourceField: "CODE", targetField: "inventory.sku", transformation: "trim", required: true },
      // Logo keeps fractional stock (kilograms, metres); the platform takes whole units.
      { sourceField: "ONHAND", targetField: "inventory.stock", transformation: "parseDecimal|round:0", required: true },
      { sourceField: "CARD_CODE", targetField: "prices.sku", transformation: "trim", required: true },
      { sourceField: "PRICE", targetField: "prices.price", transformation: "parseDecimal", required: true },
      {
        sourceField: "CURRENCY",
        targetField: "prices.currency",
        transformation: "lookup:logoCurrencies",
        defaultValue: "TRY",
      },
      { sourceField: "VAT_INCL", targetField: "prices.vatIncluded", transformation: "toBoolean" },
    ],
    lookups: {
      logoCurrencies: { "0": "TRY", "1": "USD", "20": "EUR", "160": "TRY" },
      logoUnits: {
        ADET: "piece",
        AD: "piece",
        KG: "kg",
        GR: "g",
        LT: "l",
        MT: "m",
        M2: "m2",
        M3: "m3",
        PAKET: "package",
        KOLI: "box",
        KUTU: "box",
        CIFT: "pair",
        TAKIM: "set",
      },
    },
  },
  create: createLogoConnector,
} satisfies ConnectorDefinition;
