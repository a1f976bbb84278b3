import { describe, expect, it } from "vitest";
import { GuardWait } from "../../../src/guard/client.ts";
import { configureLogo, logoConnector, logoOrders, logoStats, newLogoTenant } from "../../helpers/logo.ts";

describe("Logo connection test", () => {
  it("reports every capability ok for a user with every right, with reads only", async () => {
    const tenant = newLogoTenant("caps-ok");
    await configureLogo(tenant, { items: 42, sql: true });
    expect(await logoConnector(tenant).testConnection()).toEqual({
      ok: true,
      checks: [
        { capability: "auth", status: "ok" },
        { capability: "readItems", status: "ok", message: "42 item(s)" },
        { capability: "readStock", status: "ok", message: "stock is read with SQL through GET /queries" },
        { capability: "readPrices", status: "ok" },
        {
          capability: "writeOrders",
          status: "ok",
          message:
            "sales orders can be read; writing is not tried (Logo has no dry run, and a test order would be a real one)",
        },
      ],
    });
    expect((await logoOrders(tenant)).count).toBe(0);
    const posts = Object.keys((await logoStats(tenant)).byEndpoint).filter((e) => e.startsWith("POST"));
    expect(posts.filter((e) => !e.endsWith("/token"))).toEqual([]);
  });

  it("says plainly that SQL calls are off when the REST service does not allow them", async () => {
    const tenant = newLogoTenant("caps-sql");
    const report = await logoConnector(tenant).testConnection();
    expect(report.ok).toBe(false);
    const stock = report.checks.find((c) => c.capability === "readStock");
    expect(stock?.status).toBe("failed");
    expect(stock?.message).toContain("enable SQL select queries in the Logo REST service settings");
    expect(report.checks.filter((c) => c.status === "failed").map((c) => c.capability)).toEqual(["readStock"]);
  });

  it("names the one capability a user lacks, in Logo's words, and writes no order", async () => {
    const tenant = newLogoTenant("caps-prices");
    await configureLogo(tenant, {
      sql: true,
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
    expect(report.checks[3]?.message).toMatch(/yetki/);
    expect((await logoOrders(tenant)).count).toBe(0);
  });

  it("reports a refused login on auth and checks nothing else", async () => {
    const tenant = newLogoTenant("caps-login");
    const report = await logoConnector(tenant, { credentials: { password: "wrong" } }).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ capability: "auth", status: "failed" });
    expect(report.checks.slice(1).every((c) => c.status === "failed")).toBe(true);
    expect((await logoStats(tenant)).requests).toBe(0);
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
