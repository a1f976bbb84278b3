import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { requireAuth } from "./auth/middleware.ts";
import type { AppEnv } from "./env.ts";
import { AppError } from "./http/errors.ts";
import { noStore, requestContext, withConfig } from "./http/middleware.ts";
import { notFoundOrMethodNotAllowed } from "./http/not-found.ts";
import { clientRateLimit, principalRateLimit } from "./http/rate-limit.ts";
import { errorResponse, renderError } from "./http/render-error.ts";
import { validationHook } from "./http/validation.ts";
import { deadLetterRoutes } from "./jobs/dead-letters/routes.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { auditRoutes } from "./routes/audit.ts";
import { deliveryRoutes } from "./routes/deliveries.ts";
import { mountDocs } from "./routes/docs.ts";
import { eventRoutes } from "./routes/events.ts";
import { guardRoutes } from "./routes/guard.ts";
import { healthRoutes } from "./routes/health.ts";
import { integrationRoutes } from "./routes/integrations.ts";
import { mappingRoutes } from "./routes/mappings.ts";
import { orderRoutes } from "./routes/orders.ts";
import { subscriptionRoutes } from "./routes/subscriptions.ts";
import { syncRoutes } from "./routes/sync.ts";
import { systemRoutes } from "./routes/system.ts";
import { uploadRoutes } from "./routes/uploads.ts";
import { webhookReceiver } from "./routes/webhooks.ts";

/** Largest JSON body the management API accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The HTTP side of the gateway: middleware, every route, the OpenAPI document, one error renderer. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const limitClients = clientRateLimit();

  app.use(
    "*",
    requestContext(),
    secureHeaders({
      // JSON everywhere, plus one script-free HTML page (/docs) that needs inline styles only.
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    }),
    // Before anything costly (auth, audit writes): a flood from one address stops here. Not for
    // incoming webhooks: an ERP pushing a burst of stock changes is one address sending more than
    // any person would, and what it sends is signed; its refusals have their own limit
    // (WEBHOOK_REFUSAL_LIMIT, src/inbound/receive.ts).
    (c, next) => (c.req.path.startsWith("/webhooks/") ? next() : limitClients(c, next)),
  );
  const jsonBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => errorResponse(c, new AppError("PAYLOAD_TOO_LARGE", `Body larger than ${MAX_BODY_BYTES} bytes`)),
  });
  app.use(
    "/api/*",
    noStore(),
    // File uploads stream to storage under their own, larger limit (MAX_UPLOAD_BYTES).
    (c, next) => (c.req.path.endsWith("/upload") ? next() : jsonBodyLimit(c, next)),
    withConfig(),
    requireAuth(),
    principalRateLimit(),
  );

  app.route("/", healthRoutes);
  // No token: the signature is the credential (src/inbound/receive.ts).
  app.route("/webhooks", webhookReceiver);
  // Before /api/integrations: `/api/integrations/system/...` must never be read as an integration id.
  app.route("/api/integrations/system", systemRoutes);
  app.route("/api/integrations", integrationRoutes);
  app.route("/api/integrations", mappingRoutes);
  app.route("/api/integrations", guardRoutes);
  app.route("/api/integrations", uploadRoutes);
  app.route("/api", syncRoutes);
  app.route("/api", orderRoutes);
  app.route("/api", eventRoutes);
  app.route("/api", subscriptionRoutes);
  app.route("/api", deliveryRoutes);
  app.route("/api", alertRoutes);
  app.route("/api/dead-letters", deadLetterRoutes);
  app.route("/api/audit", auditRoutes);
  mountDocs(app);

  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(renderError);
  return app;
}

export const app = createApp();
