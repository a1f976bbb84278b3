import { describe, expect, it } from "vitest";
import { GuardWait } from "../../../src/guard/client.ts";
import { configureLogo, logoConnector, newLogoTenant } from "../../helpers/logo.ts";

describe("Logo connection test", () => {
  it("reports every capability ok for a user with every right", async () => {
    const tenant = newLogoTenant("caps-ok");
    await configureLogo(tenant, { items: 42 });
    expect(await logoConnector(tenant).testConnection()).toEqual({
      ok: true,
      checks: [
        { capability: "auth", status: "ok" },
        { capability: "readItems", status: "ok", message: "42 item(s)" },
        { capability: "readStock", status: "ok" },
        { capability: "readPrices", status: "ok" },
        { capability: "writeOrders", status: "ok" },
      ],
    });
  });

  it("names the one capability a user lacks, in Logo's words, and writes no order", async () => {
    const tenant = newLogoTenant("caps-prices");
    await configureLogo(tenant, {
      users: [{ username: "logo", password: "logo-pass", permissions: ["items", "stock", "orders"] }],
    });
    const report = await logoConnector(tenant).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks.map((c) => [c.capability, c.status])).toEqual([
      ["auth", "ok"],
      ["readItems", "ok"],
      ["readStock", "ok"],
      ["readPrices", "failed"],
      ["writeOrders", "ok"],
    ]);
    expect(report.checks[3]?.message).toBe("'logo' kullanıcısının satış fiyatlarını okuma yetkisi yok");
  });

  it("reports a refused login on auth and checks nothing else", async () => {
    const tenant = newLogoTenant("caps-login");
    const report = await logoConnector(tenant, { credentials: { password: "wrong" } }).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toEqual({
      capability: "auth",
      status: "failed",
      message: "Kullanıcı adı veya şifre hatalı",
    });
    expect(report.checks.slice(1).every((c) => c.status === "failed")).toBe(true);
  });

  it("lets a rate-limit wait through instead of reporting it", async () => {
    const tenant = newLogoTenant("caps-wait");
    const connector = logoConnector(tenant, {
      fetch: async () => {
        throw new GuardWait(Date.now() + 5000, "rate_limited");
      },
    });
    await expect(connector.testConnection()).rejects.toBeInstanceOf(GuardWait);
  });
});
