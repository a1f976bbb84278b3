import { env } from "cloudflare:workers";
import { requireConfig } from "../../src/config.ts";
import { getDb } from "../../src/db/client.ts";
import { openCredentials, sealCredentials } from "../../src/integrations/credentials.ts";
import { findIntegration } from "../../src/integrations/store.ts";

/** An `integrations` row as D1 stores it (snake_case columns, JSON as text). */
export interface StoredIntegration {
  id: string;
  merchant_id: string;
  name: string;
  type: string;
  connector: string;
  status: string;
  settings: string;
  credentials_ciphertext: string;
  credentials_key_id: string;
  credential_fields: string;
  created_at: number;
  updated_at: number;
  version: number;
}

/** An `audit_log` row as D1 stores it. */
export interface StoredAudit {
  id: string;
  at: number;
  actor: string;
  role: string | null;
  merchant_id: string | null;
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  details: string | null;
}

/** The stored row of one integration, or null. */
export async function integrationRow(id: string): Promise<StoredIntegration | null> {
  return env.DB.prepare("SELECT * FROM integrations WHERE id = ?").bind(id).first<StoredIntegration>();
}

/** Every stored integration of `merchantId`, oldest first. */
export async function integrationRows(merchantId: string): Promise<StoredIntegration[]> {
  const { results } = await env.DB.prepare("SELECT * FROM integrations WHERE merchant_id = ? ORDER BY created_at, id")
    .bind(merchantId)
    .all<StoredIntegration>();
  return results;
}

/** Every stored audit entry, in insertion-independent (id) order. */
export async function auditRows(): Promise<StoredAudit[]> {
  const { results } = await env.DB.prepare("SELECT * FROM audit_log ORDER BY id").all<StoredAudit>();
  return results;
}

/** How many audit entries are stored. */
export async function auditCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
  return row?.n ?? 0;
}

/** Decrypts the stored credentials of an integration the way the gateway does. */
export async function storedCredentials(id: string): Promise<Record<string, unknown>> {
  const row = await findIntegration(getDb(env), id);
  if (!row) throw new Error(`no integration ${id}`);
  return openCredentials(await requireConfig(env), row);
}

/**
 * Replaces an integration's credentials in D1 directly, past the checks of the API: a row saved
 * before a policy was tightened, which the gateway must still refuse to use.
 */
export async function overwriteCredentials(id: string, credentials: Record<string, unknown>): Promise<void> {
  const sealed = await sealCredentials(await requireConfig(env), id, credentials);
  await env.DB.prepare("UPDATE integrations SET credentials_ciphertext = ?, credentials_key_id = ? WHERE id = ?")
    .bind(sealed.ciphertext, sealed.keyId, id)
    .run();
}

/** The `n` a `SELECT count(*) AS n ...` query answers. */
export async function countOf(sql: string, ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
