import { describe, expect, it } from "vitest";
import { api } from "../../helpers/api.ts";
import { admin } from "../../helpers/auth.ts";
import { createIntegration, syncToEnd } from "../../helpers/integrations.ts";
import { configureLogo, logoCredentials, logoStats, newLogoTenant, touchLogo } from "../../helpers/logo.ts";
import { platformRecords, waitForRun } from "../../helpers/sims.ts";
import { newMerchant } from "../../helpers/unique.ts";

async function logoIntegration(merchantId: string, tenant: string) {
  return createIntegration({
    merchantId,
    name: `Logo ${merchantId}`,
    type: "webhook", // no polling: these tests trigger every run themselves
    connector: "logo",
    credentials: logoCredentials(tenant),
    settings: { periodNo: 1, pageSize: 50, rateLimitRequests: 100 },
  });
}

describe("a Logo sync end to end", () => {
  it("brings items, stock and prices to the platform, then reads only the changed items incrementally", async () => {
    const tenant = newLogoTenant("e2e");
    const merchantId = newMerchant("m-logo-e2e");
    await configureLogo(tenant, { items: 120 });
    const id = await logoIntegration(merchantId, tenant);

    const full = await syncToEnd(id, { type: "full" });
    expect(full.status, JSON.stringify(full)).toBe("succeeded");
    // Three streams of 120 rows in pages of 50.
    expect(full.progress).toMatchObject({ pagesDone: 9, itemsRead: 360, itemsRejected: 0 });
    const products = await platformRecords(merchantId, "products");
    expect(products.count).toBe(120);
    expect(products.items.find((p) => p.sku === "ITM-000005")).toMatchObject({
      unit: "kg",
      vatRate: expect.any(Number),
    });
    const inventory = await platformRecords(merchantId, "inventory");
    expect(inventory.count).toBe(120);
    expect(inventory.items.every((i) => Number.isInteger(i.stock))).toBe(true);
    const prices = await platformRecords(merchantId, "prices");
    expect(prices.count).toBe(120);
    expect(prices.items.find((p) => p.sku === "ITM-000040")).toMatchObject({ currency: "EUR" });
    // One login served the whole run.
    expect((await logoStats(tenant)).logins).toBe(1);

    const touched = ["ITM-000007", "ITM-000042", "ITM-000099"];
    await touchLogo(tenant, { codes: touched });
    const incremental = await syncToEnd(id, { type: "products" });
    expect(incremental.status, JSON.stringify(incremental)).toBe("succeeded");
    // Only the items changed since the last run (and any in the minute of overlap before it).
    expect(incremental.progress.itemsRead).toBeGreaterThanOrEqual(3);
    expect(incremental.progress.itemsRead).toBeLessThan(20);
    expect(incremental.progress.itemsPushed).toBe(3);
    const renamed = (await platformRecords(merchantId, "products")).items.filter((p) =>
      touched.includes(p.sku as string),
    );
    expect(renamed.map((p) => p.name)).toEqual([
      expect.stringMatching(/\(rev 1\)$/),
      expect.stringMatching(/\(rev 1\)$/),
      expect.stringMatching(/\(rev 1\)$/),
    ]);

    // A forced run reads everything again.
    const forced = await syncToEnd(id, { type: "products", force: true });
    expect(forced.progress.itemsRead).toBe(120);
  });

  it("completes a sync whose token expires in the middle, logging in again once", async () => {
    const tenant = newLogoTenant("e2e-relogin");
    const merchantId = newMerchant("m-logo-relogin");
    // Slow pages, so that the run is still going when the tokens expire.
    await configureLogo(tenant, { items: 200, latencyMs: 100 });
    const id = await logoIntegration(merchantId, tenant);
    const token = await admin();
    const started = await api("POST", `/api/integrations/${id}/sync`, { token, body: { type: "prices" } });
    const runId = started.body.data.runId as string;
    for (let pagesDone = 0; pagesDone < 1; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      pagesDone = (await api("GET", `/api/runs/${runId}`, { token })).body.data.progress.pagesDone;
    }
    await fetch(`https://sims.test/logo/${tenant}/__sim/expire-tokens`, { method: "POST" });
    const run = await waitForRun(runId);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect(run.progress).toMatchObject({ pagesDone: 4, itemsRead: 200 });
    expect((await logoStats(tenant)).logins).toBe(2);
    expect((await platformRecords(merchantId, "prices")).count).toBe(200);
  });
});

describe("a Logo ERP that throttles", () => {
  it("pauses every call of the integration for Logo's Retry-After, without counting it as a failure, and the run completes", async () => {
    const tenant = newLogoTenant("throttle");
    const merchantId = newMerchant("m-logo-429");
    await configureLogo(tenant, { items: 60, rateLimitNext: 1, retryAfterSeconds: 2 });
    const id = await logoIntegration(merchantId, tenant);

    const started = await api("POST", `/api/integrations/${id}/sync`, {
      token: await admin(),
      body: { type: "products" },
    });
    expect(started.status).toBe(202);
    // The guard holds all of the integration's calls until Logo's Retry-After has passed.
    const deadline = Date.now() + 10_000;
    let guard = (await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() })).body.data;
    while (!guard.rateLimit.pausedUntil && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      guard = (await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() })).body.data;
    }
    expect(guard.rateLimit.pausedUntil).not.toBeNull();
    expect(guard.circuit).toMatchObject({ state: "closed", failures: 0 });

    const run = await waitForRun(started.body.data.runId);
    expect(run.status).toBe("succeeded");
    expect((await platformRecords(merchantId, "products")).count).toBe(60);
    expect(
      (await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() })).body.data.circuit.failures,
    ).toBe(0);
  });
});
