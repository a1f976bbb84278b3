import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AUDIT_EXPORT_MAX_ROWS, exportAudit } from "../audit/export.ts";
import { AuditEntryView, AuditFilterQuery, AuditQuery, listAudit } from "../audit/query.ts";
import { forbid } from "../auth/middleware.ts";
import { canSee, merchantScope } from "../auth/principal.ts";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { csvResponse } from "../http/csv.ts";
import { paginated } from "../http/envelope.ts";
import { bearerSecurity, errorResponses, pageResponse } from "../openapi/schemas.ts";
import { createRouter } from "./router.ts";

/** /api/audit: the audit log. Admins see everything; merchants their own merchant's entries. */
export const auditRoutes = createRouter();

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Audit"],
    summary: "List audit entries",
    description:
      "Newest first: every change and every security event (rejected token, forbidden action, cross-tenant attempt).",
    security: bearerSecurity,
    request: { query: AuditQuery },
    responses: { 200: pageResponse(AuditEntryView, "A page of audit entries"), ...errorResponses(400, 401, 403, 500) },
  }),
  async (c) => {
    const filter = c.req.valid("query");
    const { rows, total } = await listAudit(getDb(c.env), filter, await scopeFor(c, filter.merchantId));
    return paginated(c, rows, { page: filter.page, limit: filter.limit, total });
  },
);

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/export",
    tags: ["Audit"],
    summary: "Export audit entries as CSV",
    description: `The entries GET /api/audit would list for the same filters, all of them, newest first, as a CSV file (UTF-8 with BOM). Cells a spreadsheet would run as a formula are prefixed with \`'\`. At most ${AUDIT_EXPORT_MAX_ROWS} entries: a larger selection is refused (400), never cut.`,
    security: bearerSecurity,
    request: { query: AuditFilterQuery },
    responses: {
      200: { description: "The CSV file", content: { "text/csv": { schema: z.string() } } },
      ...errorResponses(400, 401, 403, 500),
    },
  }),
  async (c) => {
    const filter = c.req.valid("query");
    const csv = await exportAudit(getDb(c.env), filter, await scopeFor(c, filter.merchantId));
    const day = new Date().toISOString().slice(0, 10);
    return csvResponse(c, `audit-${day}.csv`, csv);
  },
);

/** The merchant a caller's query is confined to (null: all); asking for another merchant's entries is a 403. */
async function scopeFor(c: Context<AppEnv>, requested: string | undefined): Promise<string | null> {
  const principal = c.get("principal");
  if (requested && !canSee(principal, requested)) {
    await forbid(c, "a merchant token can only read its own merchant's audit log");
  }
  return merchantScope(principal);
}
