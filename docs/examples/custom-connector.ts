/**
 * A connector for a made-up ERP with a JSON API, as the README's "Adding a connector" shows it.
 * It is type-checked with the project (tsconfig includes docs/examples), so it always matches
 * the real contract. To use it, import it in src/connectors/index.ts and call
 * `registerConnector("acme", acmeConnector)` next to the built-in ones.
 */
import { z } from "@hono/zod-openapi";
import { defineConnector, type SourcePage } from "../../src/connectors/definition.ts";
import { baseSettings, endpointUrl, secretText } from "../../src/connectors/settings.ts";
import { UpstreamError } from "../../src/net/upstream-error.ts";

const credentials = z.object({ endpoint: endpointUrl, apiKey: secretText() }).strict();

// defineConnector gives `create` the credentials and settings typed as these schemas' output,
// parsed by the gateway (defaults filled in) before the connector sees them.
export const acmeConnector = defineConnector({
  name: "Acme ERP",
  version: "1.0.0",
  supportedOperations: ["products", "inventory"],
  credentials,
  settings: baseSettings.extend({ warehouse: z.string().default("MAIN") }).strict(),
  urlFields: ["endpoint"],
  streams: [{ name: "items", entities: ["products", "inventory"] }],
  defaultMapping: {
    mappings: [
      { sourceField: "code", targetField: "products.sku", transformation: "trim", required: true },
      { sourceField: "title", targetField: "products.name", required: true },
      { sourceField: "code", targetField: "inventory.sku", transformation: "trim", required: true },
      { sourceField: "stock.onHand", targetField: "inventory.stock", transformation: "parseInt", defaultValue: 0 },
    ],
  },
  create(context) {
    const { endpoint, apiKey } = context.credentials;
    // Every call goes through context.fetch: SSRF policy, timeout, no blind redirects.
    const get = async (path: string) => {
      const res = await context.fetch(`${endpoint}${path}`, { headers: { Authorization: `Bearer ${apiKey}` } });
      if (!res.ok) throw UpstreamError.fromResponse("connector", res, `Acme ${path}`);
      return (await res.json()) as { items: Record<string, unknown>[]; next: string | null };
    };
    return {
      async fetchPage(_stream, cursor, pageSize): Promise<SourcePage> {
        const page = await get(`/items?limit=${pageSize}${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`);
        return { rows: page.items, nextCursor: page.next, malformed: [] };
      },
      async testConnection() {
        try {
          await get("/items?limit=1");
          return { ok: true, checks: [{ capability: "readItems", status: "ok" }] };
        } catch (error) {
          return { ok: false, checks: [{ capability: "readItems", status: "failed", message: String(error) }] };
        }
      },
    };
  },
});
