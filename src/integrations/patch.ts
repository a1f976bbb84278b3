import type { ZodType } from "zod";
import type { Config } from "../config.ts";
import { connectorOf } from "../connectors/index.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { fieldIssues } from "../http/validation.ts";
import type { Warning } from "./compat.ts";
import {
  assertOutboundUrls,
  type Credentials,
  credentialFieldNames,
  openCredentials,
  sealCredentials,
} from "./credentials.ts";
import type { UpdateIntegrationInput } from "./schemas.ts";

/**
 * The row a PATCH would produce, and the names of the fields it changes (for the audit log).
 * Settings and credentials are merged into the stored ones, then validated whole against the
 * connector; credentials are re-sealed. Nothing is written here.
 */
export async function applyPatch(
  config: Config,
  row: IntegrationRow,
  patch: UpdateIntegrationInput,
): Promise<{ next: IntegrationRow; changed: string[]; advice: Warning[] }> {
  const def = connectorOf(row.connector);
  const next: IntegrationRow = { ...row };
  const changed: string[] = [];
  let advice: Warning[] = [];
  for (const key of ["name", "type", "status"] as const) {
    const value = patch[key];
    if (value !== undefined && value !== row[key]) {
      Object.assign(next, { [key]: value });
      changed.push(key);
    }
  }
  if (patch.settings) {
    next.settings = parseOrThrow(def.settings, mergePatch(row.settings, patch.settings), "settings");
    changed.push(...Object.keys(patch.settings).map((k) => `settings.${k}`));
  }
  if (patch.credentials) {
    const credentials = await mergedCredentials(config, row, patch.credentials, def.credentials);
    assertOutboundUrls(def, credentials, config);
    const sealed = await sealCredentials(config, row.id, credentials);
    next.credentialsCiphertext = sealed.ciphertext;
    next.credentialsKeyId = sealed.keyId;
    next.credentialFields = credentialFieldNames(credentials);
    changed.push(...Object.keys(patch.credentials).map((k) => `credentials.${k}`));
    advice = def.advise?.(credentials, next.settings) ?? [];
  }
  return { next, changed, advice };
}

/** Shallow JSON merge patch (RFC 7396): `null` removes a key, anything else replaces it. */
function mergePatch(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Validates a merged settings or credentials object; issues are reported under `prefix.`. */
function parseOrThrow(schema: ZodType, value: unknown, prefix: string): Record<string, unknown> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  throw AppError.validation(fieldIssues(parsed.error).map((i) => ({ ...i, field: `${prefix}.${i.field}` })));
}

/**
 * Stored credentials merged with the patch. If the stored ones cannot be decrypted (lost key),
 * a patch that is a complete, valid set on its own still goes through: that is the way out.
 */
async function mergedCredentials(
  config: Config,
  row: IntegrationRow,
  patch: Record<string, unknown>,
  schema: ZodType,
): Promise<Credentials> {
  let current: Credentials;
  try {
    current = await openCredentials(config, row);
  } catch (error) {
    if (error instanceof AppError && error.code === "CREDENTIALS_UNREADABLE" && schema.safeParse(patch).success) {
      return parseOrThrow(schema, patch, "credentials");
    }
    throw error;
  }
  return parseOrThrow(schema, mergePatch(current, patch), "credentials");
}
