import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { renderDocsPage } from "../openapi/docs-page.ts";
import { registerWebhookCatalogue } from "../outbound/catalogue.ts";
import { VERSION } from "./health.ts";

const DESCRIPTION = `Keeps merchants' ERP/POS systems and the e-commerce platform in sync.

All /api endpoints take \`Authorization: Bearer <JWT>\` (HS256; roles admin, merchant, viewer) and answer
in the envelope \`{ success, data, timestamp, requestId }\`; errors are \`{ success: false, error, code,
timestamp, requestId }\` with a stable \`code\`.`;

/** The OpenAPI 3.1 document of everything registered on `app`. */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  registerWebhookCatalogue(app.openAPIRegistry);
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Integration Gateway", version: VERSION, description: DESCRIPTION },
    tags: [
      { name: "Integrations", description: "Connections to merchants' ERP/POS systems" },
      { name: "Sync", description: "Runs that bring a merchant's data to the platform" },
      { name: "Mappings", description: "How source rows become platform records" },
      { name: "Guard", description: "Circuit breaker, rate limit and connection test of an integration" },
      { name: "Orders", description: "Platform orders written into the merchant's ERP, once each" },
      { name: "Dead letters", description: "Jobs that failed their last retry" },
      { name: "Audit", description: "Who changed what, and every refused request" },
      { name: "System", description: "Health and operations" },
      { name: "Docs", description: "This reference" },
    ],
  });
}

/** GET /openapi.json and GET /docs. Mounted last so that the document sees every route. */
export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  let document: ReturnType<typeof openApiDocument> | undefined;
  const getDocument = () => {
    document ??= openApiDocument(app);
    return document;
  };
  app.openapi(
    createRoute({
      method: "get",
      path: "/openapi.json",
      tags: ["Docs"],
      summary: "OpenAPI 3.1 document",
      responses: {
        200: {
          description: "The document",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
      },
    }),
    (c) => c.json(getDocument() as unknown as Record<string, unknown>, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/docs",
      tags: ["Docs"],
      summary: "API reference page",
      responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } } },
    }),
    (c) => c.html(renderDocsPage(getDocument() as unknown as Parameters<typeof renderDocsPage>[0])),
  );
}
