import { defineConnector } from "../definition.ts";
import { createNetsisConnector } from "./connector.ts";
import { credentials, settings } from "./schemas.ts";

/**
 * Netsis ERP through NetOpenX REST (`/api/v2`). What public clients and the official .NET
 * client (N1–N3 in the research notes) show, and what this connector does with it, is written
 * where it is used: login in login.ts, the result envelope in client.ts, stock cards and prices
 * in streams.ts, stock in stock.ts, order slips in orders.ts. Chosen where public material is
 * silent (and switchable in simulators/netsis so that tests cover both sides): how a missing
 * slip is answered (orders.ts), the shape of a `Queries` answer and whether TBLSTOKPH keeps a
 * total row (stock.ts), that a stock card is passive when `Kilit` is "E".
 *
 * Mapping: prices come from the card's `Satis_Fiat1` (change the mapping to use list 2–4) in
 * the currency `Sat_Dov_Tip` names (0 TL, 1 USD, 2 EUR — the usual Netsis setup; adjust
 * `netsisCurrencies` to yours). A price of 0 is a card without that price: it is refused, not
 * sent, so that nothing is sold for free.
 */
export const netsisConnector = defineConnector({
  name: "Netsis ERP (NetOpenX REST)",
  version: "2.0.0",
  supportedOperations: ["products", "inventory", "prices", "orders"],
  credentials,
  settings,
  urlFields: ["endpoint"],
  orderNumberMaxLength: 15,
  streams: [
    { name: "items", entities: ["products"] },
    { name: "stock", entities: ["inventory"] },
    { name: "prices", entities: ["prices"] },
  ],
  fieldHints: {
    "credentials.apiKey": "NetOpenX logs in with the Netsis user and the company database's user",
    "settings.priceListCode": "Netsis keeps sales prices on the stock card: map prices.price to Satis_Fiat1..4",
  },
  defaultMapping: {
    mappings: [
      { sourceField: "StokTemelBilgi.Stok_Kodu", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "StokTemelBilgi.Stok_Adi", targetField: "products.name", transformation: "trim", required: true },
      { sourceField: "StokTemelBilgi.Grup_Kodu", targetField: "products.category", transformation: "trim" },
      { sourceField: "StokTemelBilgi.Barkod1", targetField: "products.barcode", transformation: "trim" },
      { sourceField: "StokTemelBilgi.KDV_Orani", targetField: "products.vatRate", transformation: "parseDecimal" },
      {
        sourceField: "StokTemelBilgi.Olcu_Br1",
        targetField: "products.unit",
        transformation: "trim|uppercase|lookup:netsisUnits",
      },
      // Kilit "E" (evet) is a locked card: not for sale.
      {
        sourceField: "StokTemelBilgi.Kilit",
        targetField: "products.active",
        transformation: "trim|uppercase|lookup:netsisActive|toBoolean",
        defaultValue: true,
      },
      { sourceField: "STOK_KODU", targetField: "inventory.sku", transformation: "trim", required: true },
      // KG balances are fractional; the gateway rounds them down to whole units.
      { sourceField: "BAKIYE", targetField: "inventory.stock", transformation: "parseDecimal", required: true },
      { sourceField: "Stok_Kodu", targetField: "prices.sku", transformation: "trim", required: true },
      { sourceField: "Satis_Fiat1", targetField: "prices.price", transformation: "parseDecimal", required: true },
      {
        sourceField: "Sat_Dov_Tip",
        targetField: "prices.currency",
        transformation: "lookup:netsisCurrencies",
        defaultValue: "TRY",
      },
    ],
    lookups: {
      netsisActive: { E: "false", H: "true" },
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
});
