import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { UpstreamError } from "../../src/net/upstream-error.ts";
import { createLogger, parseLogLevel } from "../../src/observability/logger.ts";
import { hostsOnly, REDACTED, redact } from "../../src/observability/redact.ts";

describe("redact", () => {
  it("replaces the values of secret-looking keys", () => {
    const input = {
      password: "p4ss",
      dbPassword: "db-pass",
      clientSecret: "s3cret",
      bearerToken: "tok",
      access_token: "tok2",
      apiKey: "k1",
      api_key: "k2",
      "x-api-key": "k3",
      Authorization: "Bearer abc.def.ghi",
      credentials: "user:pass",
      signature: "sig",
      privateKey: "-----BEGIN PRIVATE KEY-----",
      cookie: "sid=1",
    };
    const out = redact(input);
    for (const key of Object.keys(input)) expect(out[key as keyof typeof input], key).toBe(REDACTED);
  });

  it("leaves non-secret keys and their values intact", () => {
    const input = {
      id: "int_01",
      name: "Main Store Logo ERP",
      endpoint: "https://erp.example.com/api/v1",
      username: "integration_user",
      firmNo: 1,
      active: true,
      tags: ["a", "b"],
      settings: { syncInterval: 300_000, delimiter: ";" },
      missing: undefined,
    };
    expect(redact(input)).toEqual(input);
  });

  it("keeps booleans, numbers and null under secret keys (they carry no secret text)", () => {
    const input = { hasPassword: true, tokenCount: 3, apiKey: null, secretRotated: false };
    expect(redact(input)).toEqual(input);
  });

  it("redacts inside nested objects", () => {
    const out = redact({ request: { headers: { authorization: "Bearer x", accept: "application/json" } }, level: 1 });
    expect(out).toEqual({ request: { headers: { authorization: REDACTED, accept: "application/json" } }, level: 1 });
  });

  it("redacts inside arrays of objects", () => {
    const out = redact({
      users: [
        { name: "a", password: "pa" },
        { name: "b", token: "tb" },
      ],
    });
    expect(out).toEqual({
      users: [
        { name: "a", password: REDACTED },
        { name: "b", token: REDACTED },
      ],
    });
    expect(redact([{ secret: "x" }, "plain", 1])).toEqual([{ secret: REDACTED }, "plain", 1]);
  });

  it("replaces a whole credentials object, not just its secret-looking fields", () => {
    const out = redact({
      id: "int_01",
      credentials: { endpoint: "https://erp.example.com", username: "u", password: "p", firmNo: 1 },
    });
    expect(out).toEqual({ id: "int_01", credentials: REDACTED });
  });

  it("does not mutate its input", () => {
    const input = { password: "p", nested: { token: "t", keep: "k" }, list: [{ apiKey: "a" }] };
    const snapshot = structuredClone(input);
    const out = redact(input);
    expect(input).toEqual(snapshot);
    expect(out).not.toBe(input);
    expect(out.nested).not.toBe(input.nested);
    expect(out.list[0]).not.toBe(input.list[0]);
  });

  it("returns primitives unchanged", () => {
    expect(redact("password")).toBe("password");
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBeNull();
    expect(redact(undefined)).toBeUndefined();
  });

  it("turns an Error into its name and message", () => {
    expect(redact({ error: new TypeError("boom") })).toEqual({ error: { name: "TypeError", message: "boom" } });
  });

  it("terminates on a circular object", () => {
    const looped: Record<string, unknown> = { name: "loop" };
    looped.self = looped;
    expect(() => redact(looped)).not.toThrow();
  });

  it("still redacts secrets nested deeper than its depth limit", () => {
    let deep: Record<string, unknown> = { password: "deeply-nested-secret" };
    for (let i = 0; i < 12; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain("deeply-nested-secret");
  });
});

describe("createLogger", () => {
  let log: MockInstance<typeof console.log>;
  let warn: MockInstance<typeof console.warn>;
  let error: MockInstance<typeof console.error>;

  beforeEach(() => {
    log = vi.spyOn(console, "log").mockImplementation(() => {});
    warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    error = vi.spyOn(console, "error").mockImplementation(() => {});
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The single line written to `spy`, parsed. */
  const onlyLine = (spy: MockInstance<(...args: unknown[]) => void>) => {
    expect(spy).toHaveBeenCalledTimes(1);
    const args = spy.mock.calls[0] ?? [];
    expect(args).toHaveLength(1);
    const line = args[0];
    expect(typeof line).toBe("string");
    expect(line as string).not.toContain("\n");
    return JSON.parse(line as string) as Record<string, unknown>;
  };

  it("drops messages below the threshold", () => {
    const logger = createLogger("warn");
    logger.debug("d");
    logger.info("i");
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it("writes warn to console.warn and error to console.error at or above the threshold", () => {
    const logger = createLogger("warn");
    logger.warn("careful", { attempt: 2 });
    logger.error("broken", { code: "X" });
    expect(log).not.toHaveBeenCalled();
    expect(onlyLine(warn)).toMatchObject({ level: "warn", message: "careful", attempt: 2 });
    expect(onlyLine(error)).toMatchObject({ level: "error", message: "broken", code: "X" });
  });

  it("writes debug and info to console.log when the threshold allows", () => {
    const logger = createLogger("debug");
    logger.debug("first");
    expect(onlyLine(log)).toMatchObject({ level: "debug", message: "first" });
    log.mockClear();
    logger.info("second");
    expect(onlyLine(log)).toMatchObject({ level: "info", message: "second" });
  });

  it("logs only errors at the error level", () => {
    const logger = createLogger("error");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(onlyLine(error)).toMatchObject({ level: "error", message: "e" });
  });

  it("writes one JSON object per call with an ISO timestamp", () => {
    const logger = createLogger("info");
    logger.info("one");
    logger.info("two");
    expect(log).toHaveBeenCalledTimes(2);
    const lines = log.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
    expect(lines.map((l) => l.message)).toEqual(["one", "two"]);
    for (const line of lines) expect(new Date(String(line.time)).toISOString()).toBe(line.time);
  });

  it("redacts secret fields, base fields and child fields, without touching the caller's objects", () => {
    const fields = { integrationId: "int_01", password: "p@ss", request: { headers: { authorization: "Bearer x" } } };
    const snapshot = structuredClone(fields);
    const logger = createLogger("info", { requestId: "req_1", token: "base-token" }).child({ apiKey: "child-key" });
    logger.info("calling ERP", fields);
    const line = onlyLine(log);
    expect(line).toEqual({
      level: "info",
      message: "calling ERP",
      time: expect.any(String),
      requestId: "req_1",
      token: REDACTED,
      apiKey: REDACTED,
      integrationId: "int_01",
      password: REDACTED,
      request: { headers: { authorization: REDACTED } },
    });
    const raw = String(log.mock.calls[0]?.[0]);
    for (const secret of ["p@ss", "base-token", "child-key", "Bearer x"]) expect(raw).not.toContain(secret);
    expect(fields).toEqual(snapshot);
  });

  it("lets a child logger keep its parent's threshold and base fields", () => {
    const child = createLogger("warn", { requestId: "req_2" }).child({ actor: "ops" });
    child.info("hidden");
    child.warn("shown");
    expect(log).not.toHaveBeenCalled();
    expect(onlyLine(warn)).toMatchObject({ requestId: "req_2", actor: "ops", message: "shown" });
  });

  it("writes URLs with their host only, in the message and in fields", () => {
    createLogger("info").warn("job failed https://files.example.com/s3cret-token/stock.csv", {
      error: "GET https://erp.example.com:8443/base-s3cret/api/v1/items?q=1 failed",
      nested: { at: "http://127.0.0.1:8790/files/x.csv" },
    });
    const line = onlyLine(warn);
    expect(line).toMatchObject({
      message: "job failed files.example.com",
      error: "GET erp.example.com:8443 failed",
      nested: { at: "127.0.0.1:8790" },
    });
    expect(String(warn.mock.calls[0]?.[0])).not.toMatch(/s3cret|stock\.csv|items/);
  });
});

describe("hostsOnly", () => {
  it("cuts every http(s) URL in a text down to its host, and leaves the rest as it is", () => {
    expect(
      hostsOnly(
        "No HTTP resource was found that matches the request URI 'https://netsis.example.com/s3cret/api/v2/Items/?limit=5'. See (http://[::1]:8080/x) and \"https://a.example/b\"",
      ),
    ).toBe(
      "No HTTP resource was found that matches the request URI 'netsis.example.com'. See ([::1]:8080) and \"a.example\"",
    );
    expect(hostsOnly("no URL here: /api/v1/items, ftp://x/y")).toBe("no URL here: /api/v1/items, ftp://x/y");
  });

  it("applies to every UpstreamError, whatever an upstream echoed back", () => {
    const error = new UpstreamError("connector", "Netsis GET Items/ answered 404: 'https://h.example/s3cret/Items/'", {
      retryable: false,
    });
    expect(error.message).toBe("Netsis GET Items/ answered 404: 'h.example'");
  });
});

describe("parseLogLevel", () => {
  it("reads known levels in any case and falls back to info", () => {
    expect(parseLogLevel("debug")).toBe("debug");
    expect(parseLogLevel("WARN")).toBe("warn");
    expect(parseLogLevel("Error")).toBe("error");
    expect(parseLogLevel("verbose")).toBe("info");
    expect(parseLogLevel("")).toBe("info");
    expect(parseLogLevel(undefined)).toBe("info");
  });
});
