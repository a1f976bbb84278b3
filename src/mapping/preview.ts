import { z } from "@hono/zod-openapi";
import type { Config } from "../config.ts";
import { connectorOf } from "../connectors/index.ts";
import { connectorFor } from "../connectors/instance.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { ENTITIES, type Entity } from "../platform/records.ts";
import { compileMapping, decimalOption, type MappedRecord, mapRows, type RejectedRow } from "./engine.ts";
import { MappingDocument } from "./schema.ts";
import { effectiveMapping } from "./store.ts";

export const PreviewBody = z
  .object({
    mapping: MappingDocument.optional().openapi({ description: "Defaults to the integration's mapping in force" }),
    rows: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Sample source rows; when absent, the first rows are read from the connector" }),
    limit: z.number().int().min(1).max(50).default(10).openapi({ description: "Rows to read from the connector" }),
    entities: z.array(z.enum(ENTITIES)).min(1).optional(),
  })
  .strict()
  .prefault({});

export const PreviewResult = z
  .object({
    source: z.enum(["rows", "connector"]),
    rowsRead: z.number().int(),
    records: z.array(
      z.object({
        entity: z.enum(ENTITIES),
        key: z.string(),
        row: z.number().int(),
        record: z.record(z.string(), z.unknown()),
      }),
    ),
    rejected: z.array(
      z.object({
        entity: z.enum(ENTITIES).nullable(),
        row: z.number().int(),
        key: z.string().nullable(),
        field: z.string().nullable(),
        reason: z.string(),
      }),
    ),
  })
  .openapi("MappingPreview");

/**
 * What a mapping would push and what it would reject, for given sample rows or for the first
 * rows of each relevant connector stream. Nothing is pushed or stored.
 */
export async function previewMapping(
  env: Env,
  config: Config,
  integration: IntegrationRow,
  body: z.infer<typeof PreviewBody>,
) {
  const compiled = compileMapping(body.mapping ?? effectiveMapping(integration).mapping);
  const connector = connectorOf(integration.connector);
  const wanted = body.entities ?? compiled.entities;
  const options = decimalOption(integration);
  if (body.rows) {
    return { source: "rows" as const, rowsRead: body.rows.length, ...mapRows(compiled, body.rows, wanted, options) };
  }
  const instance = await connectorFor(env, config, integration, { budget: "interactive" });
  const records: MappedRecord[] = [];
  const rejected: (RejectedRow | { entity: null; row: number; key: string | null; field: null; reason: string })[] = [];
  let rowsRead = 0;
  for (const stream of connector.streams) {
    const entities = wanted.filter((e: Entity) => stream.entities.includes(e));
    if (entities.length === 0) continue;
    const page = await instance.fetchPage(stream.name, null, body.limit);
    rowsRead += page.rows.length;
    const mapped = mapRows(compiled, page.rows.slice(0, body.limit), entities, {
      ...options,
      firstRow: page.firstRow ?? 1,
    });
    records.push(...mapped.records);
    rejected.push(
      ...mapped.rejected,
      ...page.malformed.map((m) => ({ entity: null, row: m.row, key: m.key ?? null, field: null, reason: m.reason })),
    );
  }
  return { source: "connector" as const, rowsRead, records, rejected };
}
