import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../src/net/upstream-error.ts";
import {
  batchIdempotencyKey,
  chunk,
  type PlatformTarget,
  platformTarget,
  pushBatch,
} from "../../src/platform/client.ts";
import type { InventoryRecord, PlatformRecord, PriceRecord } from "../../src/platform/records.ts";
import { platformRecords, platformRequests, setPlatformFaults } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

// The client against the platform simulator over HTTP; each test has its own merchant.
const target = platformTarget(env);
const newKey = () => `run-${crypto.randomUUID()}`;

const stock = (sku: string, n: number): InventoryRecord => ({ sku, stock: n });

/** The UpstreamError a push fails with (and fails the test when it does not fail). */
async function failure(push: Promise<unknown>): Promise<UpstreamError> {
  const error = await push.then(
    () => expect.fail("the push should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  expect((error as UpstreamError).upstream).toBe("platform");
  return error as UpstreamError;
}

/** A fetch that answers every call with `response` and remembers what was asked. */
function fakeFetch(response: () => Response) {
  const calls: Request[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(new Request(input, init));
    return response();
  }) as typeof fetch;
  return { fetch: fn, calls };
}

describe("platformTarget", () => {
  it("reads the URL and token from env, tolerating a trailing slash", () => {
    expect(target).toEqual({ baseUrl: env.PLATFORM_API_URL, token: env.PLATFORM_API_TOKEN });
    expect(platformTarget({ PLATFORM_API_URL: "https://p.example/api//", PLATFORM_API_TOKEN: "t" })).toEqual({
      baseUrl: "https://p.example/api",
      token: "t",
    });
  });
});

describe("pushBatch: answers", () => {
  it("returns the accepted skus and the rejected ones with the platform's reason", async () => {
    const m = newMerchant("m");
    await setPlatformFaults(m, { rejectSkus: ["C"] });
    const records = [
      { sku: "A", price: 10, currency: "TRY" },
      { sku: "B", price: 5, currency: "try" } as PriceRecord, // slips past the types, not the platform
      { sku: "C", price: 1, currency: "EUR" },
    ];
    const outcome = await pushBatch(target, m, "prices", records, newKey());
    expect(outcome.accepted).toEqual(["A"]);
    expect(outcome.rejected).toEqual([
      { key: "B", reason: expect.stringMatching(/currency/) },
      { key: "C", reason: expect.stringMatching(/rejectSkus/) },
    ]);
    expect(outcome.replayed).toBe(false);
  });

  it("stores what it pushed where the platform can read it back", async () => {
    const m = newMerchant("m");
    const products = [
      { sku: "P-2", name: "Coffee", price: 120, active: true },
      { sku: "P-1", name: "Tea" },
    ];
    await pushBatch(target, m, "products", products, newKey());
    const stored = await platformRecords(m, "products");
    expect(stored.items).toEqual([products[1], products[0]]);
    expect(stored.writes).toEqual({ "P-1": 1, "P-2": 1 });
  });

  it("gets a replayed answer for the same key and records, and the platform writes once", async () => {
    const m = newMerchant("m");
    const records = [stock("A", 1), stock("B", 2)];
    const key = await batchIdempotencyKey("run-1", "inventory", records);
    const first = await pushBatch(target, m, "inventory", records, key);
    const again = await pushBatch(target, m, "inventory", records, key);
    expect(again).toEqual({ ...first, replayed: true });
    expect((await platformRecords(m, "inventory")).writes).toEqual({ A: 1, B: 1 });
  });

  it("URL-encodes the merchant id into the path", async () => {
    const m = `shop/ü 1?-${crypto.randomUUID()}`;
    await pushBatch(target, m, "inventory", [stock("A", 1)], newKey());
    expect((await platformRecords(m, "inventory")).count).toBe(1);
  });

  it("sends nothing for no records, and refuses more than a batch holds", async () => {
    const m = newMerchant("m");
    expect(await pushBatch(target, m, "inventory", [], newKey())).toEqual({
      accepted: [],
      rejected: [],
      replayed: false,
    });
    const tooMany = Array.from({ length: 1001 }, (_, i) => stock(`S${i}`, 1));
    await expect(pushBatch(target, m, "inventory", tooMany, newKey())).rejects.toThrow(RangeError);
    expect((await platformRequests(m)).count).toBe(0);
  });
});

describe("pushBatch: failures", () => {
  it("fails permanently with 422 when the key was used with other records", async () => {
    const m = newMerchant("m");
    const key = newKey();
    await pushBatch(target, m, "inventory", [stock("A", 1)], key);
    const error = await failure(pushBatch(target, m, "inventory", [stock("A", 2)], key));
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/IDEMPOTENCY_KEY_REUSED/);
  });

  it("fails retryably on a 500, with the platform's error text", async () => {
    const m = newMerchant("m");
    await setPlatformFaults(m, { failNext: 1 });
    const error = await failure(pushBatch(target, m, "inventory", [stock("A", 1)], newKey()));
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/injected failure/);
  });

  it("fails retryably on a 429 and passes on Retry-After", async () => {
    const m = newMerchant("m");
    await setPlatformFaults(m, { rateLimitNext: 1, retryAfterSeconds: 7 });
    const error = await failure(pushBatch(target, m, "inventory", [stock("A", 1)], newKey()));
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 7 });
  });

  it.each([400, 401, 403, 404])("fails permanently on a %i", async (failStatus) => {
    const m = newMerchant("m");
    await setPlatformFaults(m, { failNext: 1, failStatus });
    const error = await failure(pushBatch(target, m, "inventory", [stock("A", 1)], newKey()));
    expect(error).toMatchObject({ retryable: false, status: failStatus });
  });

  it("fails retryably on a 408", async () => {
    const m = newMerchant("m");
    await setPlatformFaults(m, { failNext: 1, failStatus: 408 });
    expect((await failure(pushBatch(target, m, "inventory", [stock("A", 1)], newKey()))).retryable).toBe(true);
  });

  it("fails retryably when the platform does not answer within timeoutMs", async () => {
    const m = newMerchant("m");
    await setPlatformFaults(m, { latencyMs: 2000 });
    const error = await failure(pushBatch(target, m, "inventory", [stock("A", 1)], newKey(), { timeoutMs: 50 }));
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/did not answer within 50 ms/);
  });

  it("fails permanently with 401 on a wrong token, and never shows the token", async () => {
    const wrong: PlatformTarget = { ...target, token: "wrong-token-value" };
    const error = await failure(pushBatch(wrong, newMerchant("m"), "inventory", [stock("A", 1)], newKey()));
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(error.message).not.toContain("wrong-token-value");
  });

  it("masks the token when an error page echoes it", async () => {
    const echo = fakeFetch(() => new Response(`bad gateway for Bearer ${target.token}`, { status: 502 }));
    const error = await failure(pushBatch(target, "m", "inventory", [stock("A", 1)], "k", { fetch: echo.fetch }));
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain(target.token);
    expect(error.message).toContain("[redacted]");
  });

  it("fails retryably when the network fails", async () => {
    const down = (async () => {
      throw new TypeError("Network connection lost.");
    }) as typeof fetch;
    const error = await failure(pushBatch(target, "m", "inventory", [stock("A", 1)], "k", { fetch: down }));
    expect(error.retryable).toBe(true);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it.each([
    ["not JSON", "<html>ok</html>"],
    ["too few results", JSON.stringify({ results: [], replayed: false })],
    [
      "a result for another sku",
      JSON.stringify({
        results: [
          { sku: "B", status: "accepted" },
          { sku: "B", status: "accepted" },
        ],
      }),
    ],
    [
      "an unknown status",
      JSON.stringify({
        results: [
          { sku: "A", status: "ok" },
          { sku: "B", status: "accepted" },
        ],
      }),
    ],
  ])("fails permanently on a 200 with %s", async (_, text) => {
    const odd = fakeFetch(() => new Response(text, { status: 200 }));
    const records = [stock("A", 1), stock("B", 1)];
    const error = await failure(pushBatch(target, "m", "inventory", records, "k", { fetch: odd.fetch }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/unexpected answer/);
  });

  it("does not follow a redirect with the token, and fails permanently", async () => {
    const moved = fakeFetch(
      () => new Response(null, { status: 302, headers: { Location: "https://elsewhere.test/" } }),
    );
    const error = await failure(pushBatch(target, "m", "inventory", [stock("A", 1)], "k", { fetch: moved.fetch }));
    expect(error).toMatchObject({ retryable: false, status: 302 });
    expect(moved.calls[0]?.redirect).toBe("manual");
  });

  it("never lets one merchant's faults touch another merchant", async () => {
    const [faulty, healthy] = [newMerchant("m"), newMerchant("m")];
    await setPlatformFaults(faulty, { failNext: 3, rejectSkus: ["A"] });
    const outcome = await pushBatch(target, healthy, "inventory", [stock("A", 1)], newKey());
    expect(outcome.accepted).toEqual(["A"]);
    await failure(pushBatch(target, faulty, "inventory", [stock("A", 1)], newKey()));
  });
});

describe("pushBatch: the request", () => {
  it("sends the token, the key and the records as JSON to the merchant's entity path", async () => {
    const ok = fakeFetch(() => Response.json({ results: [{ sku: "A", status: "accepted" }], replayed: false }));
    await pushBatch(
      { baseUrl: "https://p.example", token: "tok" },
      "m 1",
      "prices",
      [{ sku: "A", price: 1, currency: "TRY" }],
      "key-1",
      {
        fetch: ok.fetch,
      },
    );
    const request = ok.calls[0] as Request;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://p.example/v1/merchants/m%201/prices/batch");
    expect(request.headers.get("Authorization")).toBe("Bearer tok");
    expect(request.headers.get("Idempotency-Key")).toBe("key-1");
    expect(request.headers.get("Content-Type")).toBe("application/json");
    expect(await request.json()).toEqual({ items: [{ sku: "A", price: 1, currency: "TRY" }] });
  });
});

describe("batchIdempotencyKey", () => {
  it("is the same for equal records built with their keys in another order", async () => {
    const a: PlatformRecord[] = [{ sku: "A", price: 1, currency: "TRY", vatIncluded: true }];
    const b: PlatformRecord[] = [{ vatIncluded: true, currency: "TRY", price: 1, sku: "A" }];
    expect(await batchIdempotencyKey("run-1", "prices", a)).toBe(await batchIdempotencyKey("run-1", "prices", b));
  });

  it("differs for other records, another entity or another run", async () => {
    const records = [stock("A", 1)];
    const key = await batchIdempotencyKey("run-1", "inventory", records);
    expect(key).toMatch(/^run-1:inventory:[0-9a-f]{32}$/);
    expect(await batchIdempotencyKey("run-1", "inventory", [stock("A", 2)])).not.toBe(key);
    expect(await batchIdempotencyKey("run-1", "inventory", [stock("B", 1)])).not.toBe(key);
    expect(await batchIdempotencyKey("run-2", "inventory", records)).not.toBe(key);
    expect(await batchIdempotencyKey("run-1", "prices", records)).not.toBe(key);
  });
});

describe("chunk", () => {
  it("splits into batches of at most size, keeping order", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2], 5)).toEqual([[1, 2]]);
    expect(chunk([], 3)).toEqual([]);
  });

  it("refuses a size that is not a positive whole number", () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => chunk([1], size)).toThrow(RangeError);
  });
});
