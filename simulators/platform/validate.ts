import type { Entity, Item } from "./state.ts";

/** Most records one batch may carry. */
export const MAX_ITEMS = 1000;

/** The items of a batch body, or what makes the body malformed (a 400). */
export function readItems(body: unknown): { items: Item[] } | { problem: string } {
  if (!isObject(body) || !Array.isArray(body.items)) return { problem: 'body must be { "items": [ ... ] }' };
  const items: unknown[] = body.items;
  if (items.length < 1 || items.length > MAX_ITEMS) return { problem: `items must hold 1 to ${MAX_ITEMS} records` };
  const bad = items.findIndex((item) => !isObject(item));
  if (bad >= 0) return { problem: `items[${bad}] must be an object` };
  return { items: items as Item[] };
}

/**
 * Why the platform refuses one record, or null. Deliberately lighter than the gateway's own
 * schemas: a real platform checks what it needs, not what the gateway promises.
 */
export function recordProblem(entity: Entity, item: Item): string | null {
  if (typeof item.sku !== "string" || item.sku.trim() === "") return "sku must be a non-empty string";
  switch (entity) {
    case "products":
      if (isDeactivation(item)) return null;
      return typeof item.name === "string" && item.name.trim() !== "" ? null : "name is required";
    case "inventory":
      return Number.isInteger(item.stock) && (item.stock as number) >= 0
        ? null
        : "stock must be a non-negative integer";
    case "prices":
      if (typeof item.price !== "number" || !Number.isFinite(item.price) || item.price < 0) {
        return "price must be a non-negative number";
      }
      return typeof item.currency === "string" && /^[A-Z]{3}$/.test(item.currency)
        ? null
        : "currency must be a 3-letter uppercase code";
  }
}

/** `{ sku, active: false }` and nothing else: the product is switched off and keeps the rest. */
export function isDeactivation(item: Item): boolean {
  return item.active === false && Object.keys(item).every((k) => k === "sku" || k === "active");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
