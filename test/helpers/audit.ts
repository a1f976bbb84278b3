import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { AuditEntry } from "../../src/audit/query.ts";
import { type ApiOptions, type ApiResponse, api } from "./api.ts";
import { admin } from "./auth.ts";
import type { StoredAudit } from "./db.ts";
import { newClientAddress } from "./unique.ts";

/**
 * Calls the API with a fresh X-Request-Id, from an address of its own (repeated security events
 * are counted per source), so that its audit entries can be found again with `auditOfRequest`.
 */
export async function tracedCall(
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<{ res: ApiResponse; requestId: string }> {
  const requestId = `test-${crypto.randomUUID()}`;
  const res = await api(method, path, {
    ...options,
    headers: { ...options.headers, "X-Request-Id": requestId, "CF-Connecting-IP": newClientAddress() },
  });
  expect(res.body.requestId).toBe(requestId);
  return { res, requestId };
}

/** The audit entries one request wrote, as D1 stores them, in id order. */
export async function auditOfRequest(requestId: string): Promise<StoredAudit[]> {
  const { results } = await env.DB.prepare("SELECT * FROM audit_log WHERE request_id = ? ORDER BY id")
    .bind(requestId)
    .all<StoredAudit>();
  return results;
}

/** The audit entries of `action` one request wrote, as an admin reads them through the API. */
export async function auditOf(requestId: string, action: string): Promise<AuditEntry[]> {
  const token = await admin();
  const found: AuditEntry[] = [];
  for (let page = 1; ; page++) {
    const res = await api("GET", `/api/audit?action=${action}&limit=100&page=${page}`, { token });
    expect(res.status).toBe(200);
    found.push(...(res.body.data as AuditEntry[]).filter((e) => e.requestId === requestId));
    if (page >= res.body.pagination.totalPages) return found;
  }
}
