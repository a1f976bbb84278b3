import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { failureOf } from "../../src/failure/failure.ts";
import { GuardWait } from "../../src/failure/wait.ts";
import { AppError } from "../../src/http/errors.ts";
import { UpstreamError } from "../../src/net/upstream-error.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const upstream = (status: number | undefined, retryable: boolean, retryAfterSeconds?: number) =>
  new UpstreamError("connector", `answered ${status}`, {
    retryable,
    ...(status !== undefined ? { status } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });

describe("failureOf: one reading of an error for the consumer, the guard and the renderer", () => {
  it("reads the guard's 'not now' as a wait, not counted, answered 429 with Retry-After", () => {
    const failure = failureOf(new GuardWait(NOW + 4_200, "rate_limited"), NOW);
    expect(failure.next).toEqual({ kind: "wait", until: NOW + 4_200, reason: "rate_limited" });
    expect(failure.countsAgainstCircuit).toBe(false);
    expect(failure.answer).toMatchObject({ code: "RATE_LIMITED", headers: { "Retry-After": "5" } });
  });

  it("retries a 5xx no sooner than its Retry-After, counts it, and answers 502", () => {
    const failure = failureOf(upstream(503, true, 30));
    expect(failure.next).toEqual({ kind: "retry", retryAfterSeconds: 30 });
    expect(failure.countsAgainstCircuit).toBe(true);
    expect(failure.answer).toMatchObject({ code: "UPSTREAM_ERROR", message: "answered 503" });
  });

  it("retries a 429 without counting it against the circuit", () => {
    const failure = failureOf(upstream(429, true));
    expect(failure.next.kind).toBe("retry");
    expect(failure.countsAgainstCircuit).toBe(false);
  });

  it("fails a 4xx at once; refused credentials count, a refused record does not", () => {
    expect(failureOf(upstream(401, false))).toMatchObject({ next: { kind: "fail" }, countsAgainstCircuit: true });
    expect(failureOf(upstream(400, false))).toMatchObject({ next: { kind: "fail" }, countsAgainstCircuit: false });
  });

  it("counts a network error (no status) as the circuit's, and retries it", () => {
    expect(failureOf(upstream(undefined, true))).toMatchObject({ next: { kind: "retry" }, countsAgainstCircuit: true });
  });

  it("counts an error that carries an upstream failure as its cause as that failure", () => {
    const wrapped = new Error("push stopped", { cause: upstream(500, true) });
    expect(failureOf(wrapped)).toMatchObject({
      next: { kind: "retry" },
      countsAgainstCircuit: true,
      answer: undefined,
    });
  });

  it("fails unreadable credentials and a client error, retries a misconfigured gateway; answers with the AppError", () => {
    const credentials = new AppError("CREDENTIALS_UNREADABLE", "cannot decrypt");
    expect(failureOf(credentials)).toMatchObject({ next: { kind: "fail" }, answer: credentials });
    expect(failureOf(new AppError("VALIDATION_ERROR", "bad mapping")).next.kind).toBe("fail");
    expect(failureOf(new AppError("CONFIG_INVALID", "misconfigured")).next.kind).toBe("retry");
  });

  it("leaves a bug of ours without an answer (a bare 500) and retries it", () => {
    const failure = failureOf(new TypeError("x is undefined"));
    expect(failure).toMatchObject({ message: "x is undefined", next: { kind: "retry" }, countsAgainstCircuit: false });
    expect(failure.answer).toBeUndefined();
  });

  it("answers a failed validation and Hono's own exceptions in the gateway's codes", () => {
    const zod = z.object({ a: z.string() }).safeParse({});
    expect(zod.success).toBe(false);
    if (!zod.success) expect(failureOf(zod.error).answer?.code).toBe("VALIDATION_ERROR");
    expect(failureOf(new HTTPException(413)).answer?.code).toBe("PAYLOAD_TOO_LARGE");
    expect(failureOf(new HTTPException(418)).answer).toBeUndefined();
  });
});
