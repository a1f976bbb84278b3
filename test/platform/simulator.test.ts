import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newMerchant } from "../helpers/unique.ts";

// The platform simulator over HTTP, as any client sees it. Each test has its own merchant, so
// files and tests running side by side never see each other's faults or records.
const SIM = env.PLATFORM_API_URL.replace(/\/+$/, "");
let keys = 0;
const newKey = () => `key-${crypto.randomUUID()}-${++keys}`;

interface BatchOptions {
  key?: string | null;
  token?: string | null;
  body?: string;
  contentType?: string;
}

function batch(merchant: string, entity: string, items: unknown[], options: BatchOptions = {}) {
  const headers: Record<string, string> = { "Content-Type": options.contentType ?? "application/json" };
  const token = options.token === undefined ? env.PLATFORM_API_TOKEN : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const key = options.key === undefined ? newKey() : options.key;
  if (key !== null) headers["Idempotency-Key"] = key;
  const body = options.body ?? JSON.stringify({ items });
  return fetch(`${SIM}/v1/merchants/${encodeURIComponent(merchant)}/${entity}/batch`, {
    method: "POST",
    headers,
    body,
  });
}

const sim = (merchant: string, rest = "", init?: RequestInit) =>
  fetch(`${SIM}/__sim/merchants/${encodeURIComponent(merchant)}${rest}`, init);

const setFaults = (merchant: string, faults: unknown) =>
  sim(merchant, "/faults", {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(faults),
  });

const readBack = async (merchant: string, entity: string, query = "") =>
  (await (await sim(merchant, `/${entity}${query}`)).json()) as {
    count: number;
    items: Record<string, unknown>[];
    writes: Record<string, number>;
  };

const requestLog = async (merchant: string) =>
  (await (await sim(merchant, "/requests")).json()) as { count: number; requests: Record<string, unknown>[] };

describe("platform simulator: batches", () => {
  it("accepts valid records and rejects invalid ones one by one, in order", async () => {
    const m = newMerchant("m");
    const res = await batch(m, "prices", [
      { sku: "A", price: 10, currency: "TRY" },
      { sku: "B", price: -1, currency: "TRY" },
      { sku: "C", price: 5, currency: "try" },
      { sku: "", price: 5, currency: "TRY" },
      { sku: "D", price: 0, currency: "EUR", vatIncluded: true },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    const body = (await res.json()) as any;
    expect(body.replayed).toBe(false);
    expect(body.results.map((r: any) => [r.sku, r.status])).toEqual([
      ["A", "accepted"],
      ["B", "rejected"],
      ["C", "rejected"],
      ["", "rejected"],
      ["D", "accepted"],
    ]);
    expect(body.results[1].error).toMatch(/price/);
    expect(body.results[2].error).toMatch(/currency/);
    expect(body.results[3].error).toMatch(/sku/);
    expect(body.results[0]).not.toHaveProperty("error");
  });

  it("checks that products have a name and inventory a non-negative whole stock", async () => {
    const m = newMerchant("m");
    const products = (await (await batch(m, "products", [{ sku: "P1", name: "Tea" }, { sku: "P2" }])).json()) as any;
    expect(products.results.map((r: any) => r.status)).toEqual(["accepted", "rejected"]);
    const inventory = (await (
      await batch(m, "inventory", [
        { sku: "I1", stock: 0 },
        { sku: "I2", stock: 1.5 },
        { sku: "I3", stock: -2 },
      ])
    ).json()) as any;
    expect(inventory.results.map((r: any) => r.status)).toEqual(["accepted", "rejected", "rejected"]);
  });

  it("keeps the latest record per sku, sorted by sku, with a count of writes", async () => {
    const m = newMerchant("m");
    await batch(m, "inventory", [
      { sku: "B", stock: 1 },
      { sku: "A", stock: 2 },
    ]);
    await batch(m, "inventory", [{ sku: "B", stock: 7, warehouse: "IST" }]);
    const all = await readBack(m, "inventory");
    expect(all).toEqual({
      count: 2,
      items: [
        { sku: "A", stock: 2 },
        { sku: "B", stock: 7, warehouse: "IST" },
      ],
      writes: { A: 1, B: 2 },
    });
    expect(await readBack(m, "inventory", "?sku=B")).toEqual({
      count: 1,
      items: [{ sku: "B", stock: 7, warehouse: "IST" }],
      writes: { B: 2 },
    });
    expect((await readBack(m, "inventory", "?sku=nope")).count).toBe(0);
    expect((await readBack(m, "prices")).count).toBe(0);
  });

  it("does not store rejected records", async () => {
    const m = newMerchant("m");
    await batch(m, "products", [{ sku: "X" }]);
    expect((await readBack(m, "products")).count).toBe(0);
  });

  it("copes with 100,000 records for one merchant", { timeout: 120_000 }, async () => {
    const m = newMerchant("m");
    const sku = (i: number) => `SKU-${String(i).padStart(6, "0")}`;
    for (let start = 0; start < 100_000; start += 10_000) {
      // Ten batches of 1000 at a time.
      await Promise.all(
        Array.from({ length: 10 }, async (_, b) => {
          const first = start + b * 1000;
          const items = Array.from({ length: 1000 }, (_, i) => ({ sku: sku(first + i), stock: i }));
          const res = await batch(m, "inventory", items);
          expect(res.status).toBe(200);
        }),
      );
    }
    const one = await readBack(m, "inventory", `?sku=${sku(54_321)}`);
    expect(one.items).toEqual([{ sku: sku(54_321), stock: 321 }]);
    const all = await readBack(m, "inventory");
    expect(all.count).toBe(100_000);
    expect(all.items[0]?.sku).toBe(sku(0));
    expect(all.items[99_999]?.sku).toBe(sku(99_999));
    await sim(m, "", { method: "DELETE" });
  });
});

describe("platform simulator: idempotency", () => {
  it("answers a replay from its store with Idempotent-Replayed and writes nothing again", async () => {
    const m = newMerchant("m");
    const key = newKey();
    const items = [
      { sku: "A", stock: 3 },
      { sku: "B", stock: -1 },
    ];
    const first = (await (await batch(m, "inventory", items, { key })).json()) as any;
    const again = await batch(m, "inventory", items, { key });
    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const replay = (await again.json()) as any;
    expect(replay).toEqual({ ...first, replayed: true });
    expect((await readBack(m, "inventory")).writes).toEqual({ A: 1 });
  });

  it("treats the same records with their keys in another order as the same request", async () => {
    const m = newMerchant("m");
    const key = newKey();
    await batch(m, "prices", [{ sku: "A", price: 1, currency: "TRY" }], { key });
    const res = await batch(m, "prices", [{ currency: "TRY", price: 1, sku: "A" }], { key });
    expect(((await res.json()) as any).replayed).toBe(true);
  });

  it("refuses a key used again with other records, or for another entity, with 422", async () => {
    const m = newMerchant("m");
    const key = newKey();
    await batch(m, "inventory", [{ sku: "A", stock: 1 }], { key });
    const other = await batch(m, "inventory", [{ sku: "A", stock: 2 }], { key });
    expect(other.status).toBe(422);
    expect(((await other.json()) as any).code).toBe("IDEMPOTENCY_KEY_REUSED");
    const otherEntity = await batch(m, "products", [{ sku: "A", stock: 1 }], { key });
    expect(otherEntity.status).toBe(422);
    expect((await readBack(m, "inventory")).items).toEqual([{ sku: "A", stock: 1 }]);
  });

  it("scopes keys per merchant", async () => {
    const [m1, m2] = [newMerchant("m"), newMerchant("m")];
    const key = newKey();
    await batch(m1, "inventory", [{ sku: "A", stock: 1 }], { key });
    const res = await batch(m2, "inventory", [{ sku: "A", stock: 1 }], { key });
    expect(((await res.json()) as any).replayed).toBe(false);
    expect((await readBack(m2, "inventory")).writes).toEqual({ A: 1 });
  });
});

describe("platform simulator: refused requests", () => {
  it("answers 401 to a missing or wrong token and stores nothing", async () => {
    const m = newMerchant("m");
    for (const token of [null, "wrong-token"]) {
      const res = await batch(m, "inventory", [{ sku: "A", stock: 1 }], { token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: expect.any(String), code: "UNAUTHORIZED" });
    }
    expect((await readBack(m, "inventory")).count).toBe(0);
  });

  it("answers 404 to an unknown entity", async () => {
    const res = await batch(newMerchant("m"), "orders", [{ sku: "A" }]);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).code).toBe("UNKNOWN_ENTITY");
  });

  it("answers 400 without an Idempotency-Key or with one longer than 255 characters", async () => {
    const m = newMerchant("m");
    for (const key of [null, "", "k".repeat(256)]) {
      const res = await batch(m, "inventory", [{ sku: "A", stock: 1 }], { key });
      expect(res.status, String(key)).toBe(400);
      expect(((await res.json()) as any).code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    }
    expect((await batch(m, "inventory", [{ sku: "A", stock: 1 }], { key: "k".repeat(255) })).status).toBe(200);
  });

  it("answers 400 to a malformed body", async () => {
    const m = newMerchant("m");
    const bodies = [
      "not json",
      JSON.stringify({ records: [] }),
      JSON.stringify({ items: [] }),
      JSON.stringify({ items: Array.from({ length: 1001 }, (_, i) => ({ sku: `S${i}`, stock: 1 })) }),
      JSON.stringify({ items: [{ sku: "A", stock: 1 }, "B"] }),
      JSON.stringify([{ sku: "A", stock: 1 }]),
    ];
    for (const body of bodies) {
      const res = await batch(m, "inventory", [], { body });
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect(((await res.json()) as any).code).toBe("INVALID_BODY");
    }
    const text = await batch(m, "inventory", [{ sku: "A", stock: 1 }], { contentType: "text/plain" });
    expect(text.status).toBe(400);
  });
});

describe("platform simulator: fault injection", () => {
  it("fails the next n batches with failStatus and counts them down", async () => {
    const m = newMerchant("m");
    expect((await setFaults(m, { failNext: 2, failStatus: 503 })).status).toBe(200);
    const key = newKey();
    const items = [{ sku: "A", stock: 1 }];
    const first = await batch(m, "inventory", items, { key });
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ error: expect.any(String), code: "INJECTED_FAILURE" });
    expect(await (await sim(m, "/faults")).json()).toEqual({ failNext: 1, failStatus: 503 });
    expect((await batch(m, "inventory", items, { key })).status).toBe(503);
    // An injected failure is not remembered: the same key goes through afterwards.
    const ok = await batch(m, "inventory", items, { key });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).replayed).toBe(false);
  });

  it("answers 429 with Retry-After for rateLimitNext", async () => {
    const m = newMerchant("m");
    await setFaults(m, { rateLimitNext: 1, retryAfterSeconds: 7 });
    const res = await batch(m, "inventory", [{ sku: "A", stock: 1 }]);
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("7");
    expect((await batch(m, "inventory", [{ sku: "A", stock: 1 }])).status).toBe(200);
  });

  it("defaults Retry-After to 1 second", async () => {
    const m = newMerchant("m");
    await setFaults(m, { rateLimitNext: 1 });
    expect((await batch(m, "inventory", [{ sku: "A", stock: 1 }])).headers.get("Retry-After")).toBe("1");
  });

  it("draws errorRate failures from the seed, the same way every time", async () => {
    const outcomes = async () => {
      const m = newMerchant("m");
      await setFaults(m, { errorRate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await batch(m, "inventory", [{ sku: "A", stock: i }])).status);
      return statuses;
    };
    const first = await outcomes();
    expect(await outcomes()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it("rejects the records of rejectSkus", async () => {
    const m = newMerchant("m");
    await setFaults(m, { rejectSkus: ["B"] });
    const body = (await (
      await batch(m, "inventory", [
        { sku: "A", stock: 1 },
        { sku: "B", stock: 1 },
      ])
    ).json()) as any;
    expect(body.results.map((r: any) => r.status)).toEqual(["accepted", "rejected"]);
    expect(body.results[1].error).toMatch(/rejectSkus/);
  });

  it("never lets one merchant's faults touch another merchant", async () => {
    const [faulty, healthy] = [newMerchant("m"), newMerchant("m")];
    await setFaults(faulty, { failNext: 5, rejectSkus: ["A"] });
    const res = await batch(healthy, "inventory", [{ sku: "A", stock: 1 }]);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).results[0].status).toBe("accepted");
    expect(await (await sim(healthy, "/faults")).json()).toEqual({});
    expect(((await (await sim(faulty, "/faults")).json()) as any).failNext).toBe(5);
  });

  it("refuses unknown or out-of-range faults with 400", async () => {
    const m = newMerchant("m");
    for (const faults of [{ failNxt: 1 }, { errorRate: 2 }, { failStatus: 200 }, { failNext: -1 }]) {
      const res = await setFaults(m, faults);
      expect(res.status, JSON.stringify(faults)).toBe(400);
      expect(((await res.json()) as any).code).toBe("INVALID_FAULTS");
    }
  });

  it("replaces the faults on each PUT", async () => {
    const m = newMerchant("m");
    await setFaults(m, { failNext: 3 });
    await setFaults(m, { latencyMs: 1 });
    expect(await (await sim(m, "/faults")).json()).toEqual({ latencyMs: 1 });
  });
});

describe("platform simulator: request log and reset", () => {
  it("logs every batch request in arrival order", async () => {
    const m = newMerchant("m");
    await setFaults(m, { failNext: 1 });
    const key = newKey();
    const items = [
      { sku: "A", stock: 1 },
      { sku: "B", stock: 2 },
    ];
    await batch(m, "inventory", items, { key });
    await batch(m, "inventory", items, { key });
    await batch(m, "inventory", items, { key });
    await batch(m, "inventory", items, { token: "wrong" });
    const log = await requestLog(m);
    expect(log.count).toBe(4);
    expect(log.requests.map(({ at: _at, ...r }) => r)).toEqual([
      { entity: "inventory", idempotencyKey: key, items: 0, status: 500, replayed: false, injected: true },
      { entity: "inventory", idempotencyKey: key, items: 2, status: 200, replayed: false, injected: false },
      { entity: "inventory", idempotencyKey: key, items: 2, status: 200, replayed: true, injected: false },
      {
        entity: "inventory",
        idempotencyKey: expect.any(String),
        items: 0,
        status: 401,
        replayed: false,
        injected: false,
      },
    ]);
    expect(Date.parse(log.requests[0]?.at as string)).not.toBeNaN();
  });

  it("forgets records, keys, faults and the log of a merchant on DELETE", async () => {
    const m = newMerchant("m");
    const key = newKey();
    await batch(m, "inventory", [{ sku: "A", stock: 1 }], { key });
    await setFaults(m, { rejectSkus: ["A"] });
    expect((await sim(m, "", { method: "DELETE" })).status).toBe(204);
    expect((await readBack(m, "inventory")).count).toBe(0);
    expect((await requestLog(m)).count).toBe(0);
    expect(await (await sim(m, "/faults")).json()).toEqual({});
    // The key is free again, so another body under it is accepted, not a 422.
    expect((await batch(m, "inventory", [{ sku: "A", stock: 9 }], { key })).status).toBe(200);
  });
});
