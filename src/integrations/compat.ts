import { z } from "@hono/zod-openapi";
import type { ConnectorDefinition } from "../connectors/definition.ts";

/** Something about a valid request the caller should know: a field ignored, a value completed. */
export const Warning = z
  .object({
    field: z.string().openapi({ example: "credentials.apiKey" }),
    message: z.string().openapi({ example: "not used by the Logo ERP connector; ignored and not stored" }),
  })
  .openapi("Warning");
export type Warning = z.infer<typeof Warning>;

type Part = "credentials" | "settings";

/**
 * Fields of the seed API's Create Integration example (`apiKey`, `warehouseCode`,
 * `priceListCode`). A connector that has them uses them; one that does not accepts them with a
 * warning and drops them — so the documented example works with every connector — while any
 * other unknown field is still refused, because a misspelt setting must not pass silently.
 */
const SEED_FIELDS: Record<Part, Record<string, z.ZodType>> = {
  credentials: { apiKey: z.string().max(4096) },
  settings: { warehouseCode: z.union([z.string().max(64), z.number()]), priceListCode: z.string().max(64) },
};

/** The connector's schema for `part`, accepting the seed fields it does not have (as optional, documented as ignored). */
export function acceptingSeedFields(definition: ConnectorDefinition, part: Part) {
  const schema = definition[part];
  const missing = Object.entries(SEED_FIELDS[part]).filter(([name]) => !Object.hasOwn(schema.shape, name));
  return schema.safeExtend(
    Object.fromEntries(
      missing.map(([name, field]) => [
        name,
        field
          .optional()
          .openapi({ description: `Not used by this connector: accepted, ignored, and answered with a warning` }),
      ]),
    ),
  );
}

/** `value` without the seed fields the connector does not use, and a warning for each one dropped. */
export function dropIgnored(
  definition: ConnectorDefinition,
  part: Part,
  value: Record<string, unknown>,
): { value: Record<string, unknown>; warnings: Warning[] } {
  const kept = { ...value };
  const warnings: Warning[] = [];
  for (const name of Object.keys(SEED_FIELDS[part])) {
    if (Object.hasOwn(definition[part].shape, name) || !Object.hasOwn(kept, name)) continue;
    delete kept[name];
    const field = `${part}.${name}`;
    const hint = definition.fieldHints?.[field];
    warnings.push({
      field,
      message: `not used by the ${definition.name} connector; ignored and not stored${hint ? `. ${hint}` : ""}`,
    });
  }
  return { value: kept, warnings };
}
