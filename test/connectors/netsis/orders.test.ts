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
  it("writes an order once: the same order number again finds the slip and writes nothing", async () => {
    const tenant = newTenant("ns-order");
    const connector = netsisConnector(tenant, { settings: { warehouseCode: 1 } });
    expect(await connector.createOrder?.(order("WEB-1001"))).toEqual({ erpOrderId: "WEB-1001", created: true });
    expect(await connector.createOrder?.(order("WEB-1001"))).toEqual({ erpOrderId: "WEB-1001", created: false });

    const { count, slips } = await netsisSlips(tenant);
    expect(count).toBe(1);
    expect(slips[0]?.FatUst).toEqual({
      Sube_Kodu: 0,
      CariKod: "120.01.001",
      Tarih: "2024-01-21", // 22:30 UTC is already the next day in Türkiye
      Tip: 7,
      FATIRS_NO: "WEB-1001",
      KDV_DAHILMI: false,
    });
    expect(slips[0]?.Kalems).toEqual([
      { StokKodu: "NT-000001", DEPO_KODU: 1, STra_GCMIK: 2, STra_BF: 149.9, STra_KDV: 20 },
      { StokKodu: "NT-000005", DEPO_KODU: 1, STra_GCMIK: 1.5, STra_BF: 80, STra_KDV: 10 },
    ]);
  });

  it("fails for good with Netsis' words on an unknown stock code, and writes nothing", async () => {
    const tenant = newTenant("ns-order-bad");
    const connector = netsisConnector(tenant);
    const bad = order("WEB-2", { lines: [{ sku: "NOPE-9", quantity: 1, unitPrice: 5, vatRate: 20 }] });
    const error = await upstreamFailure(connector.createOrder?.(bad) ?? Promise.resolve());
    expect(error).toMatchObject({ message: "Stok kodu bulunamadı: NOPE-9 (kalem 1)", retryable: false });
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("refuses an order in another currency than the integration's before calling Netsis", async () => {
    const tenant = newTenant("ns-order-usd");
    const connector = netsisConnector(tenant);
    const error = await upstreamFailure(
      connector.createOrder?.(order("WEB-3", { currency: "USD" })) ?? Promise.resolve(),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/in USD; this Netsis integration writes orders in TRY/);
    expect((await netsisStats(tenant)).logins).toBe(0);
  });
});

describe("Netsis connector: testConnection", () => {
  it("reports every capability ok for a user with every permission, writing nothing", async () => {
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
    expect(report.checks[1]?.message).toBe("50 item(s)");
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("reports the one capability the user lacks in Netsis' words", async () => {
    const tenant = newTenant("ns-caps-perm");
    await configureNetsis(tenant, {
      users: [{ username: "netsis", password: "netsis-pass", permissions: ALL.filter((p) => p !== "orders") }],
    });
    const report = await netsisConnector(tenant).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === "failed")).toEqual([
      {
        capability: "writeOrders",
        status: "failed",
        message: "'netsis' kullanıcısının sipariş fişi yazma yetkisi yok",
      },
    ]);
  });

  it("reports a refused login with Netsis' error_description and checks nothing else", async () => {
    const tenant = newTenant("ns-caps-login");
    const report = await netsisConnector(tenant, { credentials: { password: "wrong" } }).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toEqual({
      capability: "auth",
      status: "failed",
      message: "Netsis login failed: Netsis kullanıcı adı veya şifresi hatalı",
    });
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
