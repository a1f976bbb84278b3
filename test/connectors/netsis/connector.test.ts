import { describe, expect, it } from "vitest";
import type { Connector, SourcePage } from "../../../src/connectors/definition.ts";
import { netsisConnector as definition } from "../../../src/connectors/netsis/definition.ts";
import { compileMapping, mapRows } from "../../../src/mapping/engine.ts";
import { MappingDocument } from "../../../src/mapping/schema.ts";
import {
  configureNetsis,
  expireNetsisTokens,
  netsisConnector,
  netsisControl,
  netsisHosts,
  netsisItem,
  netsisStats,
  newTenant,
  upstreamFailure,
} from "../../helpers/netsis.ts";

// The connector against the Netsis simulator over HTTP; each test has its own tenant.
const code = (row: Record<string, any>) => (row.StokTemelBilgi?.Stok_Kodu ?? row.Stok_Kodu ?? row.STOK_KODU) as string;
const mapping = compileMapping(MappingDocument.parse(definition.defaultMapping));

/** Every page of a stream; `between` runs after each page but the last. */
async function readAll(connector: Connector, stream: string, pageSize: number, between?: (n: number) => Promise<void>) {
  const pages: SourcePage[] = [];
  let cursor: string | null = null;
  do {
    const page: SourcePage = await connector.fetchPage(stream, cursor, pageSize);
    pages.push(page);
    cursor = page.nextCursor;
    if (cursor && between) await between(pages.length);
  } while (cursor !== null && pages.length < 500);
  return { pages, rows: pages.flatMap((p) => p.rows) };
}

describe("Netsis connector: login", () => {
  it("says where /token is missing by host only, keeping the configured path out of the error", async () => {
    const tenant = newTenant("ns-no-token");
    const endpoint = `https://sims.test/netsis/${tenant}/s3cret-base`;
    const error = await upstreamFailure(
      netsisConnector(tenant, { credentials: { endpoint } }).fetchPage("items", null, 4),
    );
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      "Netsis on sims.test has no /token under the configured endpoint (HTTP 404): check its path",
    );
  });

  it("logs in once for many pages, and once more when Netsis stops taking the token", async () => {
    const tenant = newTenant("ns-login");
    const connector = netsisConnector(tenant);
    const first = await connector.fetchPage("items", null, 4);
    const second = await connector.fetchPage("items", first.nextCursor, 4);
    expect((await netsisStats(tenant)).logins).toBe(1);

    await expireNetsisTokens(tenant);
    const third = await connector.fetchPage("items", second.nextCursor, 4);
    expect(third.rows.map(code)).toEqual(["NT-000009", "NT-000010", "NT-000011", "NT-000012"]);
    const stats = await netsisStats(tenant);
    expect(stats.logins).toBe(2);
    expect(stats.requests["GET Items"]).toBe(4); // two pages, the refused call, its repeat
  });

  it("costs one login when the token expires in the middle of a read, and reads on", async () => {
    const tenant = newTenant("ns-expiry");
    await configureNetsis(tenant, { items: 40, expireTokensAfter: 3 });
    const { rows } = await readAll(netsisConnector(tenant), "items", 10);
    expect(rows.map(code)).toHaveLength(40);
    expect(new Set(rows.map(code)).size).toBe(40);
    expect((await netsisStats(tenant)).logins).toBe(2);
  });

  it("sends an Oracle database as JNVTTipi 2 (1 is reserved)", async () => {
    const tenant = newTenant("ns-oracle");
    await configureNetsis(tenant, { dbType: "ORACLE" });
    const page = await netsisConnector(tenant, { credentials: { dbType: "ORACLE" } }).fetchPage("items", null, 3);
    expect(page.rows).toHaveLength(3);
  });

  it("logs in without dbtype when the integration names none, and when sending it crashes the server", async () => {
    const tenant = newTenant("ns-crash");
    await configureNetsis(tenant, { dbTypeParam: "crash" });
    expect(
      (await netsisConnector(tenant, { credentials: { dbType: undefined } }).fetchPage("items", null, 2)).rows,
    ).toHaveLength(2);
    // Named: the first login answers 500 (Netsis 9.0.67.0), the second goes without it.
    const named = netsisConnector(tenant, { credentials: { dbType: "MSSQL" }, integrationId: `int-${tenant}-named` });
    expect((await named.fetchPage("items", null, 2)).rows).toHaveLength(2);
    expect((await netsisStats(tenant)).logins).toBe(2);
  });

  it("fails for good, in Netsis' words and as refused credentials, when the database password is wrong", async () => {
    const tenant = newTenant("ns-dbpass");
    const connector = netsisConnector(tenant, { credentials: { dbPassword: "not-it" } });
    const error = await upstreamFailure(connector.fetchPage("items", null, 10));
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^Netsis login failed: .*sa/);
    expect((await netsisStats(tenant)).requests["GET Items"]).toBeUndefined();
  });
});

describe("Netsis connector: stock cards", () => {
  it("reads 1,234 items in pages of 500 to the end, each exactly once and in order", async () => {
    const tenant = newTenant("ns-paging");
    await configureNetsis(tenant, { items: 1234 });
    const { pages, rows } = await readAll(netsisConnector(tenant), "items", 500);
    expect(pages.map((p) => [p.rows.length, p.firstRow, p.incomplete])).toEqual([
      [500, 1, undefined],
      [500, 501, undefined],
      [234, 1001, undefined],
    ]);
    const codes = rows.map(code);
    expect(new Set(codes).size).toBe(1234);
    expect(codes).toEqual([...codes].sort());
    expect(codes.at(-1)).toBe("NT-001234");
  });

  it("says a page may have missed rows when cards move under the offset during the read", async () => {
    const tenant = newTenant("ns-moved");
    await configureNetsis(tenant, { items: 30 });
    const { pages, rows } = await readAll(netsisConnector(tenant), "items", 10, async (n) => {
      if (n === 1) await netsisControl(tenant, "/delete", { codes: ["NT-000003", "NT-000004"] });
    });
    expect(pages[1]?.incomplete).toMatch(/moved during the read/);
    // Two cards before the position went: one card slid past the offset unread.
    expect(rows.map(code)).not.toContain("NT-000011");
    expect(pages.filter((p) => p.incomplete)).toHaveLength(1);
  });

  it("maps barcodes from StokTemelBilgi and a locked card to an inactive product", async () => {
    const tenant = newTenant("ns-cards");
    await configureNetsis(tenant, { items: 100 });
    await netsisControl(tenant, "/lock", { codes: ["NT-000002"] });
    const { rows } = await readAll(netsisConnector(tenant), "items", 100);
    const products = new Map(mapRows(mapping, rows, ["products"]).records.map((r) => [r.key, r.record]));
    const truth = await netsisItem(tenant, "NT-000001");
    expect(products.get("NT-000001")).toMatchObject({ barcode: truth.StokTemelBilgi.Barkod1, active: true });
    expect(products.get("NT-000002")).toMatchObject({ active: false });
    expect(products.get("NT-000097")).toMatchObject({ active: false }); // Kilit "E" in the ERP
    expect(products.get("NT-000008")).not.toHaveProperty("barcode"); // no Barkod1
    expect([...products.values()].filter((p) => (p as { barcode?: string }).barcode).length).toBeGreaterThan(80);
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
});

describe("Netsis connector: stock through Queries on TBLSTOKPH", () => {
  it.each([["envelope"], ["rows"], ["table"]])(
    "reads every item's balance over all depots, whatever the %s shape, rounded down and never negative",
    async (shape) => {
      const tenant = newTenant(`ns-stock-${shape}`);
      await configureNetsis(tenant, { items: 70, queriesShape: shape });
      const { rows } = await readAll(netsisConnector(tenant), "stock", 25);
      const inventory = new Map(
        mapRows(mapping, rows, ["inventory"]).records.map((r) => [r.key, (r.record as { stock: number }).stock]),
      );
      // Every 11th item has no TBLSTOKPH row at all.
      expect(inventory.has("NT-000011")).toBe(false);
      expect(inventory.size).toBe(64);
      // NT-000005 is sold by the kilo (418.329 on hand), NT-000023 has one depot below zero,
      // NT-000069's only depot is below zero.
      expect((await netsisItem(tenant, "NT-000069")).stock.total).toBeLessThan(0);
      expect(inventory.get("NT-000069")).toBe(0);
      for (const sku of ["NT-000005", "NT-000023", "NT-000046", "NT-000007"]) {
        const total = (await netsisItem(tenant, sku)).stock.total as number;
        expect(inventory.get(sku), sku).toBe(Math.max(0, Math.floor(total)));
      }
      expect(inventory.get("NT-000005")).toBe(418);
    },
  );

  it("reads one depot when warehouseCode is set, and Oracle's dialect on an Oracle database", async () => {
    const tenant = newTenant("ns-depot");
    await configureNetsis(tenant, { items: 30, dbType: "ORACLE" });
    const connector = netsisConnector(tenant, { credentials: { dbType: "ORACLE" }, settings: { warehouseCode: 2 } });
    const { rows } = await readAll(connector, "stock", 10);
    const truth = await netsisItem(tenant, "NT-000003");
    const row = rows.find((r) => r.STOK_KODU === "NT-000003");
    expect(Number(row?.BAKIYE ?? 0)).toBeCloseTo(Number(truth.stock.byDepot["2"] ?? 0), 6);
  });

  it("reports a server that refuses the statement in its own words, not retried", async () => {
    const tenant = newTenant("ns-nosql");
    await configureNetsis(tenant, {
      users: [{ username: "netsis", password: "netsis-pass", permissions: ["items", "prices", "orders"] }],
    });
    const error = await upstreamFailure(netsisConnector(tenant).fetchPage("stock", null, 10));
    expect(error.retryable).toBe(false);
    expect(error.message).not.toBe("");
  });
});

describe("Netsis connector: prices from the card", () => {
  it("reads Satis_Fiat1 in the currency Sat_Dov_Tip names, from Items/PrimInfo", async () => {
    const tenant = newTenant("ns-prices");
    await configureNetsis(tenant, { items: 50 });
    const { rows } = await readAll(netsisConnector(tenant), "prices", 20);
    const mapped = mapRows(mapping, rows, ["prices"]);
    expect(mapped.rejected).toEqual([]);
    const bySku = new Map(mapped.records.map((r) => [r.key, r.record]));
    expect(bySku.size).toBe(50);
    const card = (await netsisItem(tenant, "NT-000025")).StokTemelBilgi;
    expect(bySku.get("NT-000025")).toEqual({ sku: "NT-000025", price: card.Satis_Fiat1, currency: "USD" });
    expect(bySku.get("NT-000040")).toMatchObject({ currency: "EUR" });
    expect(bySku.get("NT-000021")).toMatchObject({ currency: "TRY" });
    expect((await netsisStats(tenant)).requests["GET Items/PrimInfo"]).toBeGreaterThan(0);
  });
});

describe("Netsis connector: failures", () => {
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
  });

  it("makes 429 retryable after Retry-After, 5xx retryable, a missing permission permanent", async () => {
    const tenant = newTenant("ns-429");
    await configureNetsis(tenant, { rateLimitNext: 1, retryAfterSeconds: 12, failNext: 1, failStatus: 502 });
    const connector = netsisConnector(tenant);
    expect(await upstreamFailure(connector.fetchPage("prices", null, 10))).toMatchObject({
      retryable: true,
      status: 502,
    });
    const limited = await upstreamFailure(connector.fetchPage("prices", null, 10));
    expect(limited).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 12 });
    expect((await connector.fetchPage("prices", null, 10)).rows).toHaveLength(10);

    await configureNetsis(tenant, { users: [{ username: "netsis", password: "netsis-pass", permissions: ["items"] }] });
    const denied = await upstreamFailure(connector.fetchPage("stock", null, 10));
    expect(denied.retryable).toBe(false);
  });

  it("calls nothing but the configured endpoint, and refuses a cursor it did not write", async () => {
    const tenant = newTenant("ns-cursor");
    const connector = netsisConnector(tenant);
    await readAll(connector, "items", 20);
    expect(Object.keys(await netsisHosts(tenant))).toEqual(["sims.test"]);
    expect((await upstreamFailure(connector.fetchPage("items", "abc", 10))).retryable).toBe(false);
    expect((await upstreamFailure(connector.fetchPage("orders", null, 10))).message).toMatch(/no stream 'orders'/);
  });
});
