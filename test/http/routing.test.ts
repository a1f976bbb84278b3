import { describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { api, bodies } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { auditCount } from "../helpers/db.ts";

describe("a trailing slash", () => {
  it("is a true 404 that points at the path without it, for GET and POST alike", async () => {
    const token = await admin();
    for (const method of ["GET", "POST"]) {
      const res = await api(method, "/api/integrations/", { token, body: method === "POST" ? {} : undefined });
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(res.headers.get("allow")).toBeNull();
      expect(res.body).toMatchObject({
        success: false,
        code: "NOT_FOUND",
        error: `No route for ${method} /api/integrations/; did you mean /api/integrations (without the trailing slash)?`,
      });
    }
  });

  it("creates nothing when POSTed a valid body", async () => {
    const before = await auditCount();
    const res = await api("POST", "/api/integrations/", { token: await admin(), body: bodies.csv("m-slash") });
    expect(res.status).toBe(404);
    const list = await api("GET", "/api/integrations?merchantId=m-slash", { token: await admin() });
    expect(list.body.data).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it("is a 404 on parameterised and public paths too, and a path that exists nowhere gets no hint", async () => {
    const token = await admin();
    const withId = await api("GET", "/api/integrations/int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N/", { token });
    expect(withId.status).toBe(404);
    expect(withId.body.error).toContain("did you mean /api/integrations/int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N (without");
    const health = await api("GET", "/health/");
    expect(health.status).toBe(404);
    expect(health.body.error).toBe("No route for GET /health/; did you mean /health (without the trailing slash)?");
    const nowhere = await api("GET", "/nope/");
    expect(nowhere.body.error).toBe("No route for GET /nope/");
  });

  it("leaves the paths without it as they were: served, or 405 with Allow", async () => {
    const token = await admin();
    expect((await api("GET", "/api/integrations", { token })).status).toBe(200);
    const put = await api("PUT", "/api/integrations", { token });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST, HEAD");
  });
});

describe("unusual methods", () => {
  // Every method the runtime lets through to the fetch handler (WebDAV, PURGE, QUERY, ...).
  const methods = ["TRACE", "OPTIONS", "PROPFIND", "MKCOL", "COPY", "MOVE", "LOCK", "PURGE", "QUERY", "SEARCH"];

  it.each(methods)("answers %s with 405, Allow and the error envelope", async (method) => {
    for (const [path, token] of [
      ["/health", undefined],
      ["/api/integrations", await admin()],
    ] as const) {
      const res = await api(method, path, { token });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toMatch(/^GET, /);
      expect(res.body).toMatchObject({ success: false, code: "METHOD_NOT_ALLOWED" });
    }
  });

  it("cannot be handed CONNECT, TRACK or a made-up method: the runtime refuses to build such a Request", () => {
    for (const method of ["CONNECT", "connect", "TRACK", "FOO", "M-SEARCH"]) {
      expect(() => new Request("https://gateway.test/health", { method })).toThrow(TypeError);
    }
  });

  it("exports no connect() handler: workerd answers CONNECT with 200 before such a handler runs", () => {
    // With no handler, workerd answers CONNECT with a 500 of its own (the fetch handler never
    // sees it); with one, it answers 200 and hands over the socket: an open tunnel, far worse.
    expect(Object.keys(worker)).not.toContain("connect");
  });
});
