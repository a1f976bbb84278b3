import { fieldIssues } from "../http/validation.ts";
import { ENTITIES, type Entity, normalizeRecord, type PlatformRecord, RECORD_SCHEMAS } from "../platform/records.ts";
import { parsePipeline, runPipeline, type Step } from "./pipeline.ts";
import type { MappingDocument } from "./schema.ts";
import { TransformationError } from "./transformation-error.ts";
import type { TransformOptions } from "./transformations.ts";
import { assertValidMapping, parseTarget } from "./validate.ts";

interface CompiledRule {
  /** `sourceField` split once; most are one segment. */
  path: readonly string[];
  sourceField: string;
  targetField: string;
  field: string;
  required: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  steps: readonly Step[];
}

const RULES: unique symbol = Symbol("rules");

/** A validated mapping with its pipelines parsed, ready for `mapRows`. Build it with `compileMapping`. */
export interface CompiledMapping {
  /** The entities the mapping has rules for, in the platform's order. */
  readonly entities: readonly Entity[];
  /** Rules per entity, the sku rule first so a rejection can name the record. */
  readonly [RULES]: ReadonlyMap<Entity, readonly CompiledRule[]>;
}

/**
 * Validates a mapping and parses its pipelines once, so that mapping a page does no parsing.
 *
 * @throws AppError VALIDATION_ERROR when `validateMapping` finds anything
 * @example const mapping = compileMapping(MappingDocument.parse(body))
 */
export function compileMapping(doc: MappingDocument): CompiledMapping {
  assertValidMapping(doc);
  const rules = new Map<Entity, CompiledRule[]>();
  for (const rule of doc.mappings) {
    const target = parseTarget(rule.targetField);
    if (typeof target === "string") throw new Error(`unreachable: validated target ${rule.targetField}`);
    const compiled: CompiledRule = {
      path: rule.sourceField.split("."),
      sourceField: rule.sourceField,
      targetField: rule.targetField,
      field: target.field,
      required: rule.required,
      hasDefault: rule.defaultValue !== undefined,
      defaultValue: rule.defaultValue,
      steps: rule.transformation === undefined ? [] : parsePipeline(rule.transformation, doc.lookups).steps,
    };
    const list = rules.get(target.entity) ?? [];
    if (target.field === "sku") list.unshift(compiled);
    else list.push(compiled);
    rules.set(target.entity, list);
  }
  return { entities: ENTITIES.filter((entity) => rules.has(entity)), [RULES]: rules };
}

export interface MappingOptions extends TransformOptions {
  /** Number of the first row, for messages (default 1). */
  firstRow?: number;
}

/** The integration's `decimalSeparator` setting (connectors that read text have one), if any. */
export function decimalOption(integration: { settings: Record<string, unknown> }): { decimalSeparator?: "." | "," } {
  const separator = integration.settings.decimalSeparator;
  return separator === "," || separator === "." ? { decimalSeparator: separator } : {};
}

/** A row turned into one entity's record, valid against that entity's schema. */
export interface MappedRecord {
  entity: Entity;
  key: string;
  row: number;
  record: PlatformRecord;
}

/** A row that could not become one entity's record, and why. */
export interface RejectedRow {
  entity: Entity;
  row: number;
  /** The sku, when the row got as far as having one. */
  key: string | null;
  /** The target field at fault (`prices.price`), or null when no single field is. */
  field: string | null;
  reason: string;
}

/**
 * Maps source rows to platform records for each requested entity the mapping covers (others
 * are skipped). A row that fails for one entity is rejected for that entity only; the same row
 * may still map for the others, and the other rows go on. Inputs are not modified.
 *
 * @example mapRows(mapping, page.rows, ["products", "prices"], { decimalSeparator: ",", firstRow: 101 })
 */
export function mapRows(
  mapping: CompiledMapping,
  rows: readonly Record<string, unknown>[],
  entities: readonly Entity[],
  options: MappingOptions = {},
): { records: MappedRecord[]; rejected: RejectedRow[] } {
  const records: MappedRecord[] = [];
  const rejected: RejectedRow[] = [];
  const firstRow = options.firstRow ?? 1;
  const transformOptions: TransformOptions = { decimalSeparator: options.decimalSeparator };
  const plans = [...new Set(entities)].flatMap((entity) => {
    const rules = mapping[RULES].get(entity);
    return rules ? [{ entity, rules, schema: RECORD_SCHEMAS[entity] }] : [];
  });
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const rowNumber = firstRow + index;
    for (const { entity, rules, schema } of plans) {
      const built = buildRecord(rules, row, transformOptions);
      if ("reason" in built) {
        rejected.push({ entity, row: rowNumber, ...built });
        continue;
      }
      const parsed = schema.safeParse(normalizeRecord(entity, built.record));
      if (parsed.success) {
        records.push({ entity, key: parsed.data.sku, row: rowNumber, record: parsed.data });
      } else {
        const issue = fieldIssues(parsed.error, entity)[0];
        const reason = issue?.message ?? "is not a valid record";
        rejected.push({ entity, row: rowNumber, key: built.key, field: issue?.field ?? entity, reason });
      }
    }
  }
  return { records, rejected };
}

type Built = { record: Record<string, unknown>; key: string | null } | Omit<RejectedRow, "entity" | "row">;

function buildRecord(rules: readonly CompiledRule[], row: unknown, options: TransformOptions): Built {
  const record: Record<string, unknown> = {};
  let key: string | null = null;
  for (const rule of rules) {
    const source = readPath(row, rule.path);
    let value: unknown;
    if (source === undefined || source === null || (typeof source === "string" && source.trim() === "")) {
      if (rule.hasDefault) value = rule.defaultValue;
      else if (rule.required) {
        return { key, field: rule.targetField, reason: `is required (source field '${rule.sourceField}' is empty)` };
      } else continue;
    } else {
      try {
        value = rule.steps.length === 0 ? source : runPipeline(rule.steps, source, options);
      } catch (error) {
        if (!(error instanceof TransformationError)) throw error;
        return { key, field: rule.targetField, reason: error.message };
      }
    }
    record[rule.field] = value;
    if (rule.field === "sku") key = keyOf(value);
  }
  return { record, key };
}

/** The sku as a rejection reports it; the schema decides later whether it is a valid one. */
function keyOf(value: unknown): string | null {
  if (typeof value === "string") return value.trim() || null;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : null;
}

/** Follows `a.b.0.c` through own properties only, so `constructor` or `__proto__` read nothing. */
function readPath(row: unknown, path: readonly string[]): unknown {
  let current = row;
  for (const part of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
