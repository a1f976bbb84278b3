import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Config, requireConfig } from "../../../src/config.ts";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import { type Candidate, candidateOf } from "../../../src/sync/delta.ts";
import { type PushOutcome, type PushResult, pushChanged } from "../../../src/sync/push.ts";
import { platformRecords, platformRequests, setPlatformFaults } from "../../helpers/sims.ts";
import { newMerchant } from "../../helpers/unique.ts";

const stock = (sku: string, n: number): Candidate => candidateOf("inventory", sku, { sku, stock: n }, false);
const product = (sku: string): Candidate => candidateOf("products", sku, { sku, name: `Item ${sku}` }, false);

/** The test config with platform batches of `batchSize` records. */
async function configWithBatches(batchSize: number): Promise<Config> {
  const config = await requireConfig(env);
  return { ...config, platform: { ...config.platform, batchSize } };
}

/** What a push that went through completely pushed. */
function pushed(outcome: PushOutcome): PushResult {
  if (outcome.kind !== "pushed") throw new Error(`push was ${outcome.kind}`);
  return outcome.pushed;
}

describe("pushChanged against the platform simulator", () => {
  it("sends each entity in batches of the configured size and reports what was accepted", async () => {
    const merchantId = newMerchant("m-push");
    const changed = [stock("A", 1), stock("B", 2), stock("C", 3), product("A")];
    const result = pushed(await pushChanged(await configWithBatches(2), "run_push", merchantId, changed));
    expect(result.requests).toBe(3);
    expect(result.accepted.map((c) => `${c.entity}:${c.key}`)).toEqual([
      "inventory:A",
      "inventory:B",
      "inventory:C",
      "products:A",
    ]);
    expect(result.rejected).toEqual([]);
    expect((await platformRecords(merchantId, "inventory")).count).toBe(3);
    expect((await platformRequests(merchantId)).requests.map((r) => [r.entity, r.items])).toEqual([
      ["inventory", 2],
      ["inventory", 1],
      ["products", 1],
    ]);
  });

  it("sends a redelivered page with the same idempotency keys, so the platform applies it once", async () => {
    const merchantId = newMerchant("m-push-again");
    const config = await configWithBatches(100);
    await pushChanged(config, "run_twice", merchantId, [stock("A", 1)]);
    await pushChanged(config, "run_twice", merchantId, [stock("A", 1)]);
    const { requests } = await platformRequests(merchantId);
    expect(requests.map((r) => r.replayed)).toEqual([false, true]);
    expect(requests[0]?.idempotencyKey).toBe(requests[1]?.idempotencyKey);
    expect((await platformRecords(merchantId, "inventory")).writes.A).toBe(1);
  });

  it("returns the records the platform refused with its reason, the rest accepted", async () => {
    const merchantId = newMerchant("m-push-reject");
    await setPlatformFaults(merchantId, { rejectSkus: ["B"] });
    const result = pushed(
      await pushChanged(await configWithBatches(100), "run_reject", merchantId, [stock("A", 1), stock("B", 2)]),
    );
    expect(result.accepted.map((c) => c.key)).toEqual(["A"]);
    expect(result.rejected).toEqual([{ candidate: stock("B", 2), reason: expect.stringMatching(/rejectSkus/) }]);
  });

  it("stops part-way with what was accepted before the failing batch, and the upstream error", async () => {
    const merchantId = newMerchant("m-push-partial");
    await setPlatformFaults(merchantId, { passNext: 1, failNext: 1, failStatus: 400 });
    const outcome = await pushChanged(await configWithBatches(1), "run_partial", merchantId, [
      stock("A", 1),
      stock("B", 2),
      stock("C", 3),
    ]);
    expect(outcome.kind).toBe("partial");
    if (outcome.kind !== "partial") return;
    expect(outcome.done.accepted.map((c) => c.key)).toEqual(["A"]);
    expect(outcome.done.requests).toBe(2);
    expect(outcome.error).toBeInstanceOf(UpstreamError);
    expect((await platformRecords(merchantId, "inventory")).items.map((i) => i.sku)).toEqual(["A"]);
  });
});
