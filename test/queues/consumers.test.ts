import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";

const message = (id: string, body: unknown, attempts = 1) => ({ id, timestamp: new Date(), attempts, body });

afterEach(() => vi.restoreAllMocks());

describe("sync queue consumer", () => {
  it("acknowledges each message on its own, malformed ones included, so no batch is retried whole", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const batch = createMessageBatch("igw-sync", [
      message("ok-1", { kind: "sync", integrationId: "int_x", runId: "run_1", type: "inventory" }),
      message("bad-1", { kind: "sync", integrationId: "int_x" }),
      message("bad-2", "not even an object"),
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.outcome).toBe("ok");
    expect(result.retryBatch.retry).toBe(false);
    expect(result.explicitAcks.sort()).toEqual(["bad-1", "bad-2", "ok-1"]);
    expect(result.retryMessages).toEqual([]);
    // The malformed ones are logged as errors with their id, for an operator to find.
    const logged = error.mock.calls.map(([line]) => JSON.parse(String(line)));
    expect(
      logged
        .filter((l) => l.message === "dropping malformed sync message")
        .map((l) => l.messageId)
        .sort(),
    ).toEqual(["bad-1", "bad-2"]);
  });
});

describe("dead-letter queue consumer", () => {
  it("acknowledges and logs every dead letter with its attempts", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const batch = createMessageBatch("igw-sync-dlq", [message("dead-1", { kind: "sync", integrationId: "int_x" }, 9)]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["dead-1"]);
    const line = JSON.parse(String(error.mock.calls[0]?.[0]));
    expect(line).toMatchObject({
      level: "error",
      message: "dead letter",
      messageId: "dead-1",
      attempts: 9,
      queue: "igw-sync-dlq",
    });
  });
});
