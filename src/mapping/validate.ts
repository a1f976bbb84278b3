import type { ZodType } from "zod";
import { AppError, type FieldIssue } from "../http/errors.ts";
import { ENTITIES, type Entity, RECORD_SCHEMAS, recordFields } from "../platform/records.ts";
import { parsePipeline } from "./pipeline.ts";
import type { MappingDocument, MappingRule } from "./schema.ts";
import { quote } from "./transformation-error.ts";

/** A rule's `targetField` split into a known entity and one of its record fields. */
export interface Target {
  entity: Entity;
  field: string;
}

/** `products.sku` → `{ entity: "products", field: "sku" }`; a string naming the problem otherwise. */
export function parseTarget(targetField: string): Target | string {
  const parts = targetField.split(".");
  const [entity = "", field = ""] = parts;
  if (parts.length !== 2 || !entity || !field) {
    return `must be '<entity>.<field>' such as 'products.sku'; entities: ${ENTITIES.join(", ")}`;
  }
  if (!isEntity(entity)) return `unknown entity ${quote(entity)}; entities: ${ENTITIES.join(", ")}`;
  if (RETIRED_TARGETS.has(targetField)) return RETIRED_TARGETS.get(targetField) as string;
  const fields = recordFields(entity);
  if (!fields.includes(field)) return `${entity} has no field ${quote(field)}; fields: ${fields.join(", ")}`;
  return { entity, field };
}

/**
 * Targets that earlier versions accepted, with what to do instead. A stored mapping that still
 * has them is upgraded when it is read (`effectiveMapping`); a new one is refused.
 */
export const RETIRED_TARGETS = new Map([
  ["products.price", "a price has one source of truth: map it to prices.price (with prices.sku and prices.currency)"],
]);

function isEntity(name: string): name is Entity {
  return (ENTITIES as readonly string[]).includes(name);
}

/**
 * Everything wrong with a mapping that its zod schema cannot see: targets that name no record
 * field, transformations outside the closed set or with bad arguments, lookups of tables the
 * document lacks, a target mapped twice, defaults the target field would refuse, and entities
 * mapped without their `sku`. An empty list means the mapping can be compiled.
 *
 * @example validateMapping(doc) // [{ field: "mappings.3.transformation", message: "unknown transformation 'trimm'; …" }]
 */
export function validateMapping(doc: MappingDocument): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const firstRuleFor = new Map<string, number>();
  const mappedEntities = new Set<Entity>();
  doc.mappings.forEach((rule, index) => {
    const at = `mappings.${index}`;
    if (rule.sourceField.split(".").some((part) => part.trim() === "")) {
      issues.push({
        field: `${at}.sourceField`,
        message: "must be a dotted path such as 'Item.Code' with no empty part",
      });
    }
    const target = parseTarget(rule.targetField);
    if (typeof target === "string") issues.push({ field: `${at}.targetField`, message: target });
    else {
      mappedEntities.add(target.entity);
      const first = firstRuleFor.get(rule.targetField);
      if (first === undefined) firstRuleFor.set(rule.targetField, index);
      else
        issues.push({
          field: `${at}.targetField`,
          message: `${rule.targetField} is already mapped by mappings.${first}`,
        });
      const defaultIssue = checkDefault(rule, target);
      if (defaultIssue) issues.push({ field: `${at}.defaultValue`, message: defaultIssue });
    }
    if (rule.transformation !== undefined) {
      for (const message of parsePipeline(rule.transformation, doc.lookups).errors) {
        issues.push({ field: `${at}.transformation`, message });
      }
    }
  });
  for (const entity of mappedEntities) {
    if (!firstRuleFor.has(`${entity}.sku`)) {
      issues.push({
        field: "mappings",
        message: `${entity} is mapped but ${entity}.sku is not; every record needs its sku`,
      });
    }
  }
  return issues;
}

// A default is used as is, untransformed, so a wrong one would reject every row missing the
// value; better to say so when the mapping is saved.
function checkDefault(rule: MappingRule, { entity, field }: Target): string | undefined {
  if (rule.defaultValue === undefined) return undefined;
  const schema = (RECORD_SCHEMAS[entity].shape as Record<string, ZodType>)[field];
  const result = schema?.safeParse(rule.defaultValue);
  if (!result || result.success) return undefined;
  return `${quote(rule.defaultValue)} cannot be ${rule.targetField}: ${result.error.issues[0]?.message ?? "invalid"}`;
}

/**
 * `validateMapping`, throwing instead of returning.
 *
 * @throws AppError VALIDATION_ERROR listing every issue
 */
export function assertValidMapping(doc: MappingDocument): void {
  const issues = validateMapping(doc);
  if (issues.length > 0) throw AppError.validation(issues);
}
