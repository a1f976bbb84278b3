import { describe, expect, it } from "vitest";
import { netsisConnector as definition } from "../../../src/connectors/netsis/definition.ts";
import { compileMapping, mapRows } from "../../../src/mapping/engine.ts";
import { MappingDocument } from "../../../src/mapping/schema.ts";
import {
  configureNetsis,
  expireNetsisTokens,
  netsisConnector,
  netsisStats,
  newTenant,
  upstreamFailure,
} from "../../helpers/netsis.ts";

// The connector against the Netsis simulator over HTTP; each test has its own tenant.
const code = (row: Record<string, any>) => row.StokTemelBilgi.Stok_Kodu as string;

describe("Netsis connector: login", () => {
  it("logs in once for many pages, and once more when Netsis stops taking the token", async () => {
    const tenant = newTenant("ns-login");
    const connector = netsisConnector(tenant);
    const first = await connector.fetchPage("items", null, 4);
    await connector.fetchPage("items", first.nextCursor, 4);
    expect((await netsisStats(tenant)).logins).toBe(1);

    await expireNetsisTokens(tenant);
    const third = await connector.fetchPage("items", "8", 4);
    expect(third.rows.map(code)).toEqual(["NT-000009", "NT-000010", "NT-000011", "NT-000012"]);
    const stats = await netsisStats(tenant);
    expect(stats.logins).toBe(2);
    expect(stats.requests.Items).toBe(4); // two pages, the refused call, its repeat
  });

  it("logs in before the token's expires_in runs out instead of waiting for a 401", async () => {
    const tenant = newTenant("ns-ttl");
    await configureNetsis(tenant, { tokenTtlSeconds: 1 });
    const connector = netsisConnector(tenant);
    await connector.fetchPage("items", null, 2);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await connector.fetchPage("items", null, 2);
    expect(await netsisStats(tenant)).toMatchObject({ logins: 2, requests: { Items: 2 } });
  });

  it("fails for good, in Netsis' words and as refused credentials, when the database password is wrong", async () => {
    const tenant = newTenant("ns-dbpass");
    const connector = netsisConnector(tenant, { credentials: { dbPassword: "not-it" } });
    const error = await upstreamFailure(connector.fetchPage("items", null, 10));
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      "Netsis login failed: Veritabanına bağlanılamadı: 'sa' kullanıcısı için oturum açma başarısız",
    );
    expect((await netsisStats(tenant)).requests.Items).toBeUndefined();
  });
});

describe("Netsis connector: reading", () => {
  it("reads 1,234 items in pages of 500 to the end, each exactly once and in order", async () => {
    const tenant = newTenant("ns-paging");
    await configureNetsis(tenant, { items: 1234 });
    const connector = netsisConnector(tenant);
    const codes: string[] = [];
    const pages: { size: number; firstRow?: number; next: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const page = await connector.fetchPage("items", cursor, 500);
      codes.push(...page.rows.map(code));
      pages.push({ size: page.rows.length, firstRow: page.firstRow, next: page.nextCursor });
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages).toEqual([
      { size: 500, firstRow: 1, next: "500" },
      { size: 500, firstRow: 501, next: "1000" },
      { size: 234, firstRow: 1001, next: null },
    ]);
    expect(new Set(codes).size).toBe(1234);
    expect(codes).toEqual([...codes].sort());
    expect(codes.at(-1)).toBe("NT-001234");
  });

  it("rejects malformed items alone, with the reason, and keeps the rest of the page", async () => {
    const tenant = newTenant("ns-malformed");
    await configureNetsis(tenant, { items: 12, malformedEvery: 4 });
    const page = await netsisConnector(tenant).fetchPage("items", null, 50);
    expect(page.rows).toHaveLength(9);
    expect(page.malformed).toEqual([
      { row: 4, reason: "StokTemelBilgi.Stok_Kodu is missing" },
      { row: 8, key: "NT-000008", reason: 'StokTemelBilgi.KDV_Orani "yüzde on" is not a number' },
      { row: 12, reason: "StokTemelBilgi.Stok_Kodu is missing" },
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it("reads stock balances (all depots or one) and prices that the default mapping turns into records", async () => {
    const tenant = newTenant("ns-stock");
    const mapping = compileMapping(MappingDocument.parse(definition.defaultMapping));
    const all = await netsisConnector(tenant).fetchPage("stock", null, 5);
    expect(all.rows).toHaveLength(5);
    expect(all.nextCursor).toBe("5");
    const inventory = mapRows(mapping, all.rows, ["inventory"]).records.map((r) => r.record);
    expect(inventory[4]).toEqual({ sku: "NT-000005", stock: Math.round(Number(all.rows[4]?.Bakiye)) });
    expect(inventory.every((r) => Number.isInteger((r as { stock: number }).stock))).toBe(true);

    const depot1 = await netsisConnector(tenant, { settings: { warehouseCode: 1 } }).fetchPage("stock", null, 5);
    expect(depot1.rows.map((r) => r.DepoKodu)).toEqual([1, 1, 1, 1, 1]);
    expect(mapRows(mapping, depot1.rows, ["inventory"]).records[0]?.record).toMatchObject({ warehouse: "1" });

    const prices = await netsisConnector(tenant).fetchPage("prices", "20", 30);
    expect(prices.firstRow).toBe(21);
    expect(prices.rows).toHaveLength(30);
    expect(prices.nextCursor).toBeNull();
    const mapped = mapRows(mapping, prices.rows, ["prices"]);
    expect(mapped.rejected).toEqual([]);
    const bySku = new Map(mapped.records.map((r) => [r.key, r.record]));
    expect(bySku.get("NT-000025")).toMatchObject({ currency: "USD", vatIncluded: false });
    expect(bySku.get("NT-000040")).toMatchObject({ currency: "EUR" });
    expect(bySku.get("NT-000021")).toMatchObject({ currency: "TRY", vatIncluded: true });
  });

  it("turns IsSuccessful false into an error carrying ErrorDesc, retryable only when Netsis says it is passing", async () => {
    const tenant = newTenant("ns-business");
    const connector = netsisConnector(tenant);
    await configureNetsis(tenant, { failNext: 1, failStatus: 200, failMessage: "Çalışma dönemi kapalı: 2023" });
    const closed = await upstreamFailure(connector.fetchPage("items", null, 10));
    expect(closed.message).toBe("Çalışma dönemi kapalı: 2023");
    expect(closed.retryable).toBe(false);

    await configureNetsis(tenant, { failNext: 1, failStatus: 200, failMessage: "Sorgu zaman aşımına uğradı" });
    expect((await upstreamFailure(connector.fetchPage("items", null, 10))).retryable).toBe(true);
    await configureNetsis(tenant, { failNext: 1, failStatus: 200, failMessage: "Transaction was deadlocked" });
    expect((await upstreamFailure(connector.fetchPage("items", null, 10))).retryable).toBe(true);

    const depot = netsisConnector(tenant, { settings: { warehouseCode: 7 } });
    const unknown = await upstreamFailure(depot.fetchPage("stock", null, 10));
    expect(unknown).toMatchObject({ message: "Depo kodu tanımlı değil: 7", retryable: false });
  });

  it("makes 429 retryable after Retry-After, 5xx retryable, a missing permission permanent", async () => {
    const tenant = newTenant("ns-429");
    await configureNetsis(tenant, { rateLimitNext: 1, retryAfterSeconds: 12, failNext: 1, failStatus: 502 });
    const connector = netsisConnector(tenant);
    const gateway = await upstreamFailure(connector.fetchPage("prices", null, 10));
    expect(gateway).toMatchObject({ retryable: true, status: 502 });
    const limited = await upstreamFailure(connector.fetchPage("prices", null, 10));
    expect(limited).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 12 });
    expect(limited.message).toMatch(/ItemPrices answered 429/);
    expect((await connector.fetchPage("prices", null, 10)).rows).toHaveLength(10);

    await configureNetsis(tenant, { users: [{ username: "netsis", password: "netsis-pass", permissions: ["items"] }] });
    const denied = await upstreamFailure(connector.fetchPage("prices", null, 10));
    expect(denied).toMatchObject({ retryable: false, status: 403 });
    expect(denied.message).toBe("'netsis' kullanıcısının fiyatları okuma yetkisi yok");
  });

  it("refuses a cursor it did not write and a stream it does not have", async () => {
    const connector = netsisConnector(newTenant("ns-cursor"));
    expect((await upstreamFailure(connector.fetchPage("items", "abc", 10))).retryable).toBe(false);
    expect((await upstreamFailure(connector.fetchPage("orders", null, 10))).message).toMatch(/no stream 'orders'/);
  });
});
