import { describe, expect, it } from "vitest";
import { GuardWait } from "../../../src/guard/client.ts";
import {
  configureNetsis,
  netsisConnector,
  netsisSlips,
  netsisStats,
  newTenant,
  order,
  upstreamFailure,
} from "../../helpers/netsis.ts";

const ALL = ["items", "stock", "prices", "orders"] as const;

describe("Netsis connector: orders", () => {
  it("writes an order once, looking it up by the official key: the same number again writes nothing", async () => {
    const tenant = newTenant("ns-order");
    const connector = netsisConnector(tenant, { settings: { warehouseCode: 1 } });
    expect(await connector.createOrder?.(order("WEB-1001"))).toEqual({ erpOrderId: "WEB-1001", created: true });
    expect(await connector.createOrder?.(order("WEB-1001"))).toEqual({ erpOrderId: "WEB-1001", created: false });

    const { count, slips } = await netsisSlips(tenant);
    expect(count).toBe(1);
    expect(slips[0]?.FaturaTip).toBe(7);
    expect(slips[0]?.FatUst).toMatchObject({
      Sube_Kodu: 0,
      CariKod: "120.01.001",
      FATIRS_NO: "WEB-1001",
      Tip: 7,
      KDV_DAHILMI: false,
    });
    // 22:30 UTC is already the next day in Türkiye.
    expect(String(slips[0]?.FatUst.Tarih)).toMatch(/^2024-01-21/);
    expect(slips[0]?.Kalems.map((k) => [k.StokKodu, k.DEPO_KODU, k.STra_GCMIK, k.STra_BF, k.STra_KDV])).toEqual([
      ["NT-000001", 1, 2, 149.9, 20],
      ["NT-000005", 1, 1.5, 80, 10],
    ]);
    const { requests } = await netsisStats(tenant);
    expect(requests["GET ItemSlips/{id}"]).toBe(2);
    expect(requests["GET ItemSlips"]).toBeUndefined(); // never the list, which ignores a number filter
  });

  it.each([["error"], ["empty"], ["404"]])(
    "takes a missing slip answered as %s for 'not there yet', and writes the order once",
    async (missingSlip) => {
      const tenant = newTenant(`ns-missing-${missingSlip}`);
      await configureNetsis(tenant, { missingSlip });
      const connector = netsisConnector(tenant);
      expect((await connector.createOrder?.(order("WEB-7")))?.created).toBe(true);
      expect((await connector.createOrder?.(order("WEB-7")))?.created).toBe(false);
      expect((await netsisSlips(tenant)).count).toBe(1);
    },
  );

  it("writes nothing when the look-up itself fails, so an unknown answer never makes an order twice", async () => {
    const tenant = newTenant("ns-lookup-fails");
    const connector = netsisConnector(tenant);
    await connector.createOrder?.(order("WEB-8"));
    await configureNetsis(tenant, { failNext: 1, failStatus: 500 }, "PATCH");
    const error = await upstreamFailure(connector.createOrder?.(order("WEB-8")) ?? Promise.resolve());
    expect(error.retryable).toBe(true);
    expect((await netsisSlips(tenant)).count).toBe(1);
  });

  it("leaves the depot to the card when the integration names none", async () => {
    const tenant = newTenant("ns-order-depot");
    await netsisConnector(tenant).createOrder?.(order("WEB-9"));
    const [slip] = (await netsisSlips(tenant)).slips;
    expect(slip?.Kalems.every((k) => [1, 2].includes(Number(k.DEPO_KODU)))).toBe(true);
  });

  it("is refused by Netsis with a FATIRS_NO of 16 characters (the gateway maps long numbers before this)", async () => {
    const tenant = newTenant("ns-order-long");
    const long = { ...order("WEB-2026-0000001"), documentNumber: "WEB-2026-0000001" };
    const error = await upstreamFailure(netsisConnector(tenant).createOrder?.(long) ?? Promise.resolve());
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/15/);
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("fails for good with Netsis' words on an unknown stock code, and writes nothing", async () => {
    const tenant = newTenant("ns-order-bad");
    const bad = order("WEB-2", { lines: [{ sku: "NOPE-9", quantity: 1, unitPrice: 5, vatRate: 20 }] });
    const error = await upstreamFailure(netsisConnector(tenant).createOrder?.(bad) ?? Promise.resolve());
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/NOPE-9/);
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("refuses an order in another currency than the integration's before calling Netsis", async () => {
    const tenant = newTenant("ns-order-usd");
    const error = await upstreamFailure(
      netsisConnector(tenant).createOrder?.(order("WEB-3", { currency: "USD" })) ?? Promise.resolve(),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/in USD; this Netsis integration writes orders in TRY/);
    expect((await netsisStats(tenant)).logins).toBe(0);
  });
});

describe("Netsis connector: testConnection", () => {
  it("reports every capability ok for a user with every permission, with reads only", async () => {
    const tenant = newTenant("ns-caps");
    const report = await netsisConnector(tenant).testConnection();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.capability, c.status])).toEqual([
      ["auth", "ok"],
      ["readItems", "ok"],
      ["readStock", "ok"],
      ["readPrices", "ok"],
      ["writeOrders", "ok"],
    ]);
    expect(report.checks[1]?.message).toBe("50 stock card(s)");
    expect(report.checks[4]?.message).toMatch(/writing is not tried/);
    expect((await netsisSlips(tenant)).count).toBe(0);
    const posts = Object.keys((await netsisStats(tenant)).requests).filter((r) => r.startsWith("POST"));
    expect(posts).toEqual([]);
  });

  it("reports the one capability the user lacks in Netsis' words", async () => {
    const tenant = newTenant("ns-caps-perm");
    await configureNetsis(tenant, {
      users: [{ username: "netsis", password: "netsis-pass", permissions: ALL.filter((p) => p !== "orders") }],
    });
    const report = await netsisConnector(tenant).testConnection();
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((c) => c.status === "failed");
    expect(failed.map((c) => c.capability)).toEqual(["writeOrders"]);
    expect(failed[0]?.message).toMatch(/netsis/);
  });

  it("reports a refused login with Netsis' error_description and checks nothing else", async () => {
    const tenant = newTenant("ns-caps-login");
    const report = await netsisConnector(tenant, { credentials: { password: "wrong" } }).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ capability: "auth", status: "failed" });
    expect(report.checks[0]?.message).toMatch(/^Netsis login failed: /);
    expect(report.checks.slice(1).every((c) => c.status === "failed")).toBe(true);
    expect((await netsisStats(tenant)).requests).toEqual({});
  });

  it("lets a rate-limit wait propagate instead of reporting it as a failed check", async () => {
    const tenant = newTenant("ns-caps-wait");
    let calls = 0;
    const connector = netsisConnector(tenant, {
      // The login goes through; the next call finds the rate limit exhausted.
      fetch: async (url, init) => {
        if (++calls > 1) throw new GuardWait(Date.now() + 5000, "rate_limited");
        return fetch(url, init);
      },
    });
    await expect(connector.testConnection()).rejects.toBeInstanceOf(GuardWait);
  });
});
