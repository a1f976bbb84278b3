import { createRoute, z } from "@hono/zod-openapi";
import { RULE_CATALOGUE } from "../alerts/rules.ts";
import { acknowledgeAlert, findAlert, listAlerts, silenceAlert } from "../alerts/store.ts";
import { AlertParams, AlertView, ListAlertsQuery, SilenceBody, silenceEnd, toAlertView } from "../alerts/view.ts";
import { actorFromContext, recordAudit } from "../audit/record.ts";
import { requireWriter } from "../auth/middleware.ts";
import { merchantScope } from "../auth/principal.ts";
import { getDb } from "../db/client.ts";
import { ok, paginated } from "../http/envelope.ts";
import { AppError } from "../http/errors.ts";
import { bearerSecurity, dataResponse, errorResponses, pageResponse } from "../openapi/schemas.ts";
import { visible } from "./access.ts";
import { createRouter } from "./router.ts";

/** /api/alerts: what the alert rules found, and acknowledging or silencing it. */
export const alertRoutes = createRouter();
const tags = ["Alerts"];

const alertOf = (c: Parameters<typeof visible>[0], id: string) => visible(c, "alert", id, findAlert(getDb(c.env), id));

alertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/alerts",
    tags,
    summary: "List alerts, newest first",
    description:
      "Firing and resolved alerts. Merchants and their viewers see their integrations' alerts only; system-wide alerts (`integrationId` null) are for admins and global viewers.",
    security: bearerSecurity,
    request: { query: ListAlertsQuery },
    responses: { 200: pageResponse(AlertView, "A page of alerts"), ...errorResponses(400, 401, 403, 500) },
  }),
  async (c) => {
    const filter = c.req.valid("query");
    const { rows, total } = await listAlerts(getDb(c.env), filter, merchantScope(c.get("principal")));
    return paginated(c, rows.map(toAlertView), { page: filter.page, limit: filter.limit, total });
  },
);

const Rule = z
  .object({
    rule: z.string(),
    severity: z.enum(["warning", "critical"]),
    observable: z.boolean().openapi({ description: "False for a seed threshold Workers cannot measure (memory)" }),
    threshold: z
      .number()
      .nullable()
      .openapi({ description: "The system-wide value; integrations override it in `settings.alerts`" }),
    setting: z.string().nullable().openapi({ description: "The key under `settings.alerts` that overrides it" }),
    description: z.string(),
  })
  .openapi("AlertRule");

alertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/alerts/rules",
    tags,
    summary: "The alert rules and their system-wide thresholds",
    security: bearerSecurity,
    responses: { 200: dataResponse(z.array(Rule), "Every rule"), ...errorResponses(401, 403, 500) },
  }),
  (c) => {
    const thresholds = c.get("config").alerts.thresholds;
    return ok(
      c,
      RULE_CATALOGUE.map((r) => ({
        rule: r.rule,
        severity: r.severity,
        observable: r.observable,
        threshold: r.threshold ? thresholds[r.threshold] : null,
        setting: r.threshold,
        description: r.description,
      })),
    );
  },
);

alertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/alerts/{id}",
    tags,
    summary: "One alert",
    security: bearerSecurity,
    request: { params: AlertParams },
    responses: { 200: dataResponse(AlertView, "The alert"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => ok(c, toAlertView(await alertOf(c, c.req.valid("param").id))),
);

alertRoutes.openapi(
  createRoute({
    method: "post",
    path: "/alerts/{id}/acknowledge",
    tags,
    summary: "Acknowledge an alert",
    description:
      "Someone is on it: a firing alert already notified is not notified again while it fires; its resolution still is. Audited.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: AlertParams },
    responses: { 200: dataResponse(AlertView, "The acknowledged alert"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const alert = await alertOf(c, c.req.valid("param").id);
    const actor = actorFromContext(c);
    const db = getDb(c.env);
    const row = await acknowledgeAlert(db, alert.id, actor.actor, Date.now());
    await recordAudit(db, actor, {
      action: "alert.acknowledged",
      outcome: "success",
      merchantId: alert.merchantId,
      target: { type: "alert", id: alert.id },
      details: { rule: alert.rule, integrationId: alert.integrationId, status: alert.status },
    });
    return ok(c, toAlertView(row ?? alert));
  },
);

alertRoutes.openapi(
  createRoute({
    method: "post",
    path: "/alerts/{id}/silence",
    tags,
    summary: "Silence an alert",
    description:
      "`{ until }` (at most 30 days ahead) or `{ hours }`: no notification is sent for it until then — it is still evaluated, recorded and listed, and whatever is due when the silence ends (a repeat, its resolution) is sent then. Audited.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: {
      params: AlertParams,
      body: { content: { "application/json": { schema: SilenceBody } }, required: true },
    },
    responses: { 200: dataResponse(AlertView, "The silenced alert"), ...errorResponses(400, 401, 403, 404, 415, 500) },
  }),
  async (c) => {
    const alert = await alertOf(c, c.req.valid("param").id);
    const now = Date.now();
    const until = silenceEnd(c.req.valid("json"), now);
    if (typeof until === "string") throw AppError.validation([{ field: "until", message: until }]);
    const actor = actorFromContext(c);
    const db = getDb(c.env);
    const row = await silenceAlert(db, alert.id, actor.actor, until, now);
    await recordAudit(db, actor, {
      action: "alert.silenced",
      outcome: "success",
      merchantId: alert.merchantId,
      target: { type: "alert", id: alert.id },
      details: { rule: alert.rule, integrationId: alert.integrationId, until: new Date(until).toISOString() },
    });
    return ok(c, toAlertView(row ?? alert));
  },
);
