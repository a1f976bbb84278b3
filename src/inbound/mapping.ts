import type { IntegrationRow } from "../db/schema.ts";
import { type CompiledMapping, compileMapping } from "../mapping/engine.ts";
import { MappingDocument } from "../mapping/schema.ts";
import { effectiveMapping } from "../mapping/store.ts";
import type { Entity } from "../platform/records.ts";
import type { WebhookSettings } from "./settings.ts";

/**
 * The gateway's mapping of item events: the field names of the seed's example
 * (`{ productId, sku, price, stock }`) and their obvious siblings. An integration whose sender
 * uses the ERP's own names sets `webhook.mapping: "integration"` to use its sync mapping.
 */
export const EVENT_MAPPING = MappingDocument.parse({
  mappings: [
    { sourceField: "sku", targetField: "products.sku", transformation: "trim", required: true },
    { sourceField: "name", targetField: "products.name", transformation: "trim", required: true },
    { sourceField: "description", targetField: "products.description" },
    { sourceField: "barcode", targetField: "products.barcode", transformation: "trim" },
    { sourceField: "unit", targetField: "products.unit", transformation: "trim" },
    { sourceField: "category", targetField: "products.category", transformation: "trim" },
    { sourceField: "brand", targetField: "products.brand", transformation: "trim" },
    { sourceField: "active", targetField: "products.active", transformation: "toBoolean" },
    { sourceField: "sku", targetField: "inventory.sku", transformation: "trim", required: true },
    // parseDecimal, not parseInt: 2.5 on hand is read, then rounded down to what can be sold.
    { sourceField: "stock", targetField: "inventory.stock", transformation: "parseDecimal", required: true },
    { sourceField: "warehouse", targetField: "inventory.warehouse", transformation: "trim" },
    { sourceField: "sku", targetField: "prices.sku", transformation: "trim", required: true },
    { sourceField: "price", targetField: "prices.price", transformation: "parseDecimal", required: true },
    { sourceField: "currency", targetField: "prices.currency", transformation: "uppercase", defaultValue: "TRY" },
    { sourceField: "compareAtPrice", targetField: "prices.compareAtPrice", transformation: "parseDecimal" },
    { sourceField: "priceList", targetField: "prices.priceList", transformation: "trim" },
  ],
});

/** An event's mapping, compiled, and which source fields carry each entity's content. */
export interface EventMapping {
  compiled: CompiledMapping;
  /** Per entity, the first segments of the source fields of its fields other than sku. */
  contentFields: ReadonlyMap<Entity, readonly string[]>;
}

export function eventMappingOf(integration: IntegrationRow, settings: WebhookSettings): EventMapping {
  const doc = settings.mapping === "integration" ? effectiveMapping(integration).mapping : EVENT_MAPPING;
  const contentFields = new Map<Entity, string[]>();
  for (const rule of doc.mappings) {
    const [entity, field] = rule.targetField.split(".") as [Entity, string];
    if (field === "sku") continue;
    const list = contentFields.get(entity) ?? [];
    list.push(rule.sourceField.split(".")[0] ?? rule.sourceField);
    contentFields.set(entity, list);
  }
  return { compiled: compileMapping(doc), contentFields };
}

/**
 * The entities an item of an event updates: of those its type may carry, the ones the item has
 * content for. A webhook carries what changed — `{ sku, stock }` is a stock change, not a
 * product without a name — so an entity none of whose fields are present is left alone rather
 * than rejected.
 */
export function entitiesOfItem(mapping: EventMapping, allowed: readonly Entity[], item: unknown): Entity[] {
  if (typeof item !== "object" || item === null) return [...allowed];
  const present = (field: string) => {
    const value = Object.hasOwn(item, field) ? (item as Record<string, unknown>)[field] : undefined;
    return value !== undefined && value !== null && value !== "";
  };
  const chosen = allowed.filter((entity) => (mapping.contentFields.get(entity) ?? []).some(present));
  // An item with none of them is still mapped, so that its rejection says what is missing.
  return chosen.length > 0 ? chosen : [...allowed];
}
