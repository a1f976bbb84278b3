import { defineConnector } from "../definition.ts";
import { createLogoConnector } from "./connector.ts";
import { LOGO_CURRENCIES } from "./prices.ts";
import { credentials, settings } from "./schemas.ts";
import { endpointOf } from "./session.ts";

/**
 * Logo ERP (Tiger 3, Go 3, Wings) through Logo Objects REST (`/api/v1`). What public clients
 * and Logo's own documentation show, and what this connector does with it, is written where it
 * is used: login in session.ts, calls and the list envelope in client.ts, errors in errors.ts,
 * change times in change-time.ts, items in items.ts, stock in stock.ts, prices in prices.ts,
 * orders in orders.ts; sources L1–L6 as listed in the research notes. Chosen where public
 * material is silent (and made switchable in simulators/logo so that tests cover both sides):
 * how `q` compares dates (ISO literals, change-time.ts); whether `queries` pages (keyset in the
 * statement, stock.ts); which price card applies (prices.ts); that change times are Türkiye's
 * local time; NUMBER's length (16, orders.ts).
 *
 * Mapping: a price's VAT rate lives on its item, not on the price card, so prices are pushed as
 * Logo holds them with `vatIncluded` from VAT_INCL. Units go through `logoUnits`: a unit set
 * missing from it rejects the product, so add yours. A passive card (ACTIVE 1) becomes an
 * inactive product, whose stock the gateway pushes as 0.
 */
export const logoConnector = defineConnector({
  name: "Logo ERP (Logo Objects REST)",
  version: "2.0.0",
  supportedOperations: ["products", "inventory", "prices", "orders"],
  credentials,
  settings,
  urlFields: ["endpoint"],
  orderNumberMaxLength: 16,
  streams: [
    { name: "items", entities: ["products"], incremental: true },
    { name: "stock", entities: ["inventory"] },
    { name: "prices", entities: ["prices"] },
  ],
  fieldHints: {
    "credentials.apiKey": "Logo Objects REST logs in with username, password and firmNo",
    "settings.warehouseCode": "Logo numbers its warehouses: set settings.warehouseNo (INVENNO; -1 is all)",
  },
  advise(c) {
    const base = endpointOf(c);
    return base === c.endpoint.replace(/\/+$/, "")
      ? []
      : [{ field: "credentials.endpoint", message: `Logo Objects REST is called at ${base}` }];
  },
  defaultMapping: {
    mappings: [
      { sourceField: "CODE", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "NAME", targetField: "products.name", transformation: "trim", required: true },
      { sourceField: "EAN_BARCODE", targetField: "products.barcode", transformation: "trim" },
      { sourceField: "UNITSET_CODE", targetField: "products.unit", transformation: "trim|uppercase|lookup:logoUnits" },
      { sourceField: "VAT", targetField: "products.vatRate", transformation: "parseDecimal" },
      // ACTIVE 0 is a card in use, 1 a passive one.
      {
        sourceField: "ACTIVE",
        targetField: "products.active",
        transformation: "lookup:logoActive|toBoolean",
        defaultValue: true,
      },
      { sourceField: "CODE", targetField: "inventory.sku", transformation: "trim", required: true },
      // Logo keeps fractional stock (kilograms, metres); the gateway rounds it down to whole units.
      { sourceField: "ONHAND", targetField: "inventory.stock", transformation: "parseDecimal", required: true },
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
      logoActive: { "0": "true", "1": "false" },
      logoCurrencies: { ...LOGO_CURRENCIES },
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
});
