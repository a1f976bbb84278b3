import { z } from "@hono/zod-openapi";

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * One rule of the seed's mapping format: where a value comes from (`sourceField`, a dotted path
 * into the source row such as `StokTemelBilgi.Stok_Kodu`), where it goes (`<entity>.<field>`,
 * e.g. `products.sku`), and how it is converted on the way (`transformation`, one name or a
 * `|`-separated pipeline of names from the closed set in src/mapping/transformations.ts).
 */
export const MappingRule = z
  .object({
    sourceField: z.string().min(1).max(200).openapi({ example: "ITEM_CODE" }),
    targetField: z.string().min(3).max(100).openapi({ example: "products.sku" }),
    transformation: z.string().min(1).max(200).optional().openapi({ example: "trim|parseDecimal" }),
    required: z.boolean().default(false),
    defaultValue: Scalar.optional(),
  })
  .strict()
  .openapi("MappingRule");

/** A whole mapping: its rules, and the tables that `lookup:<table>` transformations read. */
export const MappingDocument = z
  .object({
    mappings: z.array(MappingRule).min(1).max(300),
    lookups: z
      .record(
        z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "lookup table names are letters, digits, '_' or '-'"),
        z.record(z.string(), Scalar),
      )
      .default({})
      .openapi({ example: { units: { AD: "piece", KG: "kg" } } }),
  })
  .strict()
  .openapi("Mapping");

export type MappingRule = z.infer<typeof MappingRule>;
export type MappingDocument = z.infer<typeof MappingDocument>;
/** As written by hand (defaults not yet applied). */
export type MappingInput = z.input<typeof MappingDocument>;
