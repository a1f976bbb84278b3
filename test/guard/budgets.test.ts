import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin, merchant } from "../helpers/auth.ts";
import { createIntegration, startSync } from "../helpers/integrations.ts";
import { platformRecords, putFile, waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const ROWS = 3;
const CSV = ["sku,name,price,stock", ...Array.from({ length: ROWS }, (_, i) => `B-${i + 1},Item ${i + 1},1.50,4`)].join(
  "\n",
);

/**
 * A CSV integration with tight budgets: syncs get 10 calls a minute (enough for the whole run in
 * one burst, too few to spare any for a flood of previews), previews and tests get 3 a minute.
 */
async function budgetedIntegration(label: string) {
  const merchantId = newMerchant(label);
  const url = await putFile(`${merchantId}.csv`, CSV);
  const id = await createIntegration({
    merchantId,
    name: `Budgets ${merchantId}`,
    type: "webhook", // no polling: the test triggers the run itself
    connector: "csv",
    credentials: { url },
    settings: {
      pageSize: 1,
      rateLimitRequests: 10,
      rateLimitPer: "minute",
      interactiveRateLimitRequests: 3,
      interactiveRateLimitPer: "minute",
    },
  });
  return { id, merchantId };
}

type Budget = { requests: number; tokens: number; pausedUntil: string | null };

async function budgets(id: string): Promise<{ rateLimit: Budget; interactiveRateLimit: Budget }> {
  const res = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
  expect(res.status).toBe(200);
  return res.body.data;
}

/** `n` previews at once that read from the integration's file host (no sample rows). */
async function previewFlood(id: string, token: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, () =>
      api("POST", `/api/integrations/${id}/mappings/preview`, { token, body: { limit: 1 } }),
    ),
  );
}

describe("previews and connection tests have a budget of their own", () => {
  it("answers a flood of previews 429 beyond its budget, while a sync started meanwhile never waits", async () => {
    const { id, merchantId } = await budgetedIntegration("flood");
    const token = await merchant(merchantId);

    const runId = await startSync(id, { type: "full" });
    const flood = await previewFlood(id, token, 12);
    const run = await waitForRun(runId);

    // Exactly the budget's 3 previews read the file; the others are told when to come back.
    const ok = flood.filter((r) => r.status === 200);
    const limited = flood.filter((r) => r.status === 429);
    expect(ok.length, JSON.stringify(flood.map((r) => r.status))).toBe(3);
    expect(limited).toHaveLength(9);
    for (const res of ok) expect(res.body.data).toMatchObject({ source: "connector", rowsRead: 1 });
    for (const res of limited) {
      expect(res.body).toMatchObject({ success: false, code: "RATE_LIMITED" });
      const retryAfter = Number(res.headers.get("Retry-After"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }

    // The sync ran through as if no preview had been made: no rate-limit wait, no retry.
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect(run.lastError).toBeNull();
    expect(run.attempts).toBe(0);
    expect(run.progress.itemsRead).toBe(ROWS);
    expect((await platformRecords(merchantId, "products")).count).toBe(ROWS);

    const after = await budgets(id);
    expect(after.interactiveRateLimit.tokens).toBe(0);
    // What the sync spent is all that left its bucket: one call per page.
    expect(after.rateLimit.tokens).toBeGreaterThanOrEqual(10 - run.progress.pagesDone);
  });

  it("takes no token from the syncs' bucket, however many previews and tests are refused", async () => {
    const { id, merchantId } = await budgetedIntegration("untouched");
    const token = await merchant(merchantId);
    await waitForRun(await startSync(id, { type: "full" })); // spend some of the syncs' budget
    const before = await budgets(id);
    expect(before.rateLimit.tokens).toBeLessThan(10);

    const flood = await previewFlood(id, token, 6);
    const tests = await Promise.all(
      Array.from({ length: 3 }, () => api("POST", `/api/integrations/${id}/test-connection`, { token })),
    );
    expect([...flood, ...tests].filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(6);

    const after = await budgets(id);
    // The syncs' bucket only refilled meanwhile; it never gave a token to a preview or a test.
    expect(after.rateLimit.tokens).toBeGreaterThanOrEqual(before.rateLimit.tokens);
    expect(after.interactiveRateLimit.tokens).toBe(0);
  });
});
