import { createRoute } from "@hono/zod-openapi";
import { AuditEntryView, AuditQuery, listAudit } from "../audit/query.ts";
import { forbid } from "../auth/middleware.ts";
import { canSee, merchantScope } from "../auth/principal.ts";
import { getDb } from "../db/client.ts";
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
    const principal = c.get("principal");
    if (filter.merchantId && !canSee(principal, filter.merchantId)) {
      await forbid(c, "a merchant token can only read its own merchant's audit log");
    }
    const { rows, total } = await listAudit(getDb(c.env), filter, merchantScope(principal));
    return paginated(c, rows, { page: filter.page, limit: filter.limit, total });
  },
);
