import { z } from "@hono/zod-openapi";

/**
 * The records the platform accepts, one schema per entity. Mapping produces them, the delta
 * hashes them, the platform client pushes them. `sku` is the key of every entity.
 */
export const ENTITIES = ["products", "inventory", "prices"] as const;
export type Entity = (typeof ENTITIES)[number];

const Sku = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[^\s/?#]+$/, "must not contain spaces, '/', '?' or '#'");
const Money = z.number().finite().min(0, "must not be negative").max(1e12);

export const ProductRecord = z
  .object({
    sku: Sku,
    name: z.string().trim().min(1, "must not be empty").max(255),
    description: z.string().max(10_000).optional(),
    barcode: z.string().max(64).optional(),
    unit: z.string().max(32).optional(),
    category: z.string().max(255).optional(),
    brand: z.string().max(255).optional(),
    vatRate: z.number().min(0).max(100).optional(),
    // No price here: a price has one source of truth, the prices entity.
    active: z.boolean().optional(),
  })
  .strict()
  .openapi("ProductRecord");

export const InventoryRecord = z
  .object({
    sku: Sku,
    stock: z.number().int("must be a whole number").min(0, "must not be negative"),
    warehouse: z.string().max(64).optional(),
  })
  .strict()
  .openapi("InventoryRecord");

export const PriceRecord = z
  .object({
    sku: Sku,
    price: Money.refine((n) => n > 0, "must be more than 0 (a price of 0 would sell the item for free)"),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be a 3-letter ISO currency code like TRY"),
    vatIncluded: z.boolean().optional(),
    compareAtPrice: Money.optional(),
    priceList: z.string().max(64).optional(),
  })
  .strict()
  .openapi("PriceRecord");

export const RECORD_SCHEMAS = { products: ProductRecord, inventory: InventoryRecord, prices: PriceRecord } as const;

export type ProductRecord = z.infer<typeof ProductRecord>;
export type InventoryRecord = z.infer<typeof InventoryRecord>;
export type PriceRecord = z.infer<typeof PriceRecord>;
/**
 * What the gateway pushes when an item is gone from the ERP (deleted, or missing from a
 * complete read): the product is made inactive and keeps everything else it had.
 */
export interface Deactivation {
  sku: string;
  active: false;
}
export type PlatformRecord = ProductRecord | InventoryRecord | PriceRecord | Deactivation;

/**
 * What the platform gets, whatever the source says — never oversell: stock is whole units
 * rounded down (2.7 kg on hand sells 2), and negative stock (an ERP that allows it) is 0.
 */
export function normalizeRecord(entity: Entity, record: Record<string, unknown>): Record<string, unknown> {
  if (entity !== "inventory" || typeof record.stock !== "number" || !Number.isFinite(record.stock)) return record;
  return { ...record, stock: Math.max(0, Math.floor(record.stock)) };
}

/** The field names an entity's record has, for validating mapping targets. */
export function recordFields(entity: Entity): string[] {
  return Object.keys(RECORD_SCHEMAS[entity].shape);
}
