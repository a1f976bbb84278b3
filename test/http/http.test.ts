import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";

describe("request id", () => {
  it("echoes a sane X-Request-Id and stamps it in the envelope", async () => {
    const res = await api("GET", "/api/integrations", { token: await admin(), headers: { "X-Request-Id": "abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    expect(res.body.requestId).toBe("abc-123");
  });

  it("replaces a missing or unsafe request id with a generated one", async () => {
    const generated = await api("GET", "/health");
    expect(generated.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const unsafe = await api("GET", "/api/nothing", { headers: { "X-Request-Id": "<script>" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^req_/);
    expect(unsafe.body.requestId).toBe(unsafe.headers.get("x-request-id"));
  });
});

describe("envelope for unknown routes and methods", () => {
  it("answers an unknown path with a JSON 404 in the error envelope", async () => {
    const res = await api("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, code: "NOT_FOUND", error: "No route for GET /nope" });
    expect(Date.parse(res.body.timestamp)).not.toBeNaN();
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const res = await api("DELETE", "/health");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(res.body).toMatchObject({ success: false, code: "METHOD_NOT_ALLOWED" });
  });

  it("lists every method a parameterised API path allows", async () => {
    const res = await api("PUT", "/api/integrations/int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N", { token: await admin() });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")?.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PATCH"]);
  });

  it("asks for a token before revealing which /api paths exist", async () => {
    const res = await api("GET", "/api/secret-admin-thing");
    expect(res.status).toBe(401);
  });
});

describe("headers", () => {
  it("sets secure headers on every answer and no-store on API answers", async () => {
    const health = await api("GET", "/health");
    expect(health.headers.get("x-content-type-options")).toBe("nosniff");
    expect(health.headers.get("strict-transport-security")).toContain("max-age=");
    expect(health.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const list = await api("GET", "/api/integrations", { token: await admin() });
    expect(list.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /health", () => {
  it("answers without a token, cheaply", async () => {
    const res = await api("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", service: "integration-gateway" });
    expect(res.body.problems).toBeUndefined();
  });
});
