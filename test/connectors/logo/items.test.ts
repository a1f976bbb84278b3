import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import {
  catalogueRefs,
  changeTimeOf,
  configureLogo,
  createLogoItems,
  logoConnector,
  logoStats,
  newLogoTenant,
  readStream,
  refsOf,
  touchLogo,
} from "../../helpers/logo.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
const code = (ref: number) => `ITM-${String(ref).padStart(6, "0")}`;
/** `YYYY-MM-DDTHH:MM:SS` moved by `seconds`. */
const shift = (t: string, seconds: number) => new Date(Date.parse(`${t}Z`) + seconds * 1000).toISOString().slice(0, 19);
const NEVER = "1899-12-30T00:00:00";

describe("Logo items: keyset paging in change order", () => {
  it("reads 2,345 items in pages of 500, each exactly once, numbering rows across pages", async () => {
    const tenant = newLogoTenant("paging");
    await configureLogo(tenant, { items: 2345 });
    const read = await readStream(logoConnector(tenant), "items", 500);
    expect(read.pages.map((p) => p.firstRow)).toEqual([1, 501, 1001, 1501, 2001]);
    // Material classes (CARD_TYPE 22) are not catalogue items.
    expect(refsOf(read.rows)).toEqual(catalogueRefs(2345));
    expect(read.malformed).toEqual([]);
    // Never-modified items first (their DATE_MODIFIED is the zero date), then in change order.
    const keys = read.rows.map((r) => [changeTimeOf(r), Number(r.INTERNAL_REFERENCE)] as const);
    for (let k = 1; k < keys.length; k++) {
      const [[t0, r0], [t1, r1]] = [keys[k - 1], keys[k]] as [[string, number], [string, number]];
      expect(t0 < t1 || (t0 === t1 && r0 < r1), `${t0}#${r0} before ${t1}#${r1}`).toBe(true);
    }
    expect(read.rows[0]?.DATE_MODIFIED).toBe(NEVER);
    const last = keys.at(-1) as [string, number];
    expect(read.watermark).toMatch(new RegExp(`^c=\\d{4}-\\d\\d-\\d\\dT[\\d:]{8};m=${last[0]}#${last[1]}$`));
  });

  it("reads a catalogue of many pages at the service's own page size to the end", async () => {
    const tenant = newLogoTenant("small-pages");
    // The service answers 10 rows however many are asked for (L1: the default page size is a setting).
    await configureLogo(tenant, { items: 95, maxLimit: 10 });
    const read = await readStream(logoConnector(tenant), "items", 500);
    expect(read.pages.length).toBeGreaterThanOrEqual(10);
    expect(refsOf(read.rows)).toEqual(catalogueRefs(95));
  });

  it.each([
    ["an object with href", { nextLink: "object" }],
    ["a bare URL", { nextLink: "string" }],
    ["left out on the last page", { lastPageNext: "absent" }],
  ])("pages on when `next` is %s", async (_label, config) => {
    const tenant = newLogoTenant("next");
    await configureLogo(tenant, { items: 45, ...config });
    const read = await readStream(logoConnector(tenant), "items", 10);
    expect(refsOf(read.rows)).toEqual(catalogueRefs(45));
  });

  it("never calls the address the service's links advertise, credentials or not", async () => {
    const tenant = newLogoTenant("advertised");
    await configureLogo(tenant, { items: 30, advertisedOrigin: "http://172.16.57.114:32001" });
    await readStream(logoConnector(tenant), "items", 10);
    expect(Object.keys((await logoStats(tenant)).hosts)).toEqual(["sims.test"]);
  });

  it("reads a 100,000-item ERP to the end, each item once", async () => {
    const tenant = newLogoTenant("100k");
    await configureLogo(tenant, { items: 100_000 });
    const read = await readStream(logoConnector(tenant), "items", 1000);
    expect(read.pages.length).toBeGreaterThanOrEqual(100);
    expect(refsOf(read.rows)).toEqual(catalogueRefs(100_000));
  });

  it("skips nothing when items change between two pages of a run", async () => {
    const tenant = newLogoTenant("moving");
    await configureLogo(tenant, { items: 300 });
    const read = await readStream(logoConnector(tenant), "items", 50, {
      between: async (pages, sofar) => {
        if (pages !== 2) return;
        // Two items already read move to now, and one not read yet too.
        const seen = new Set(refsOf(sofar.rows));
        const unread = catalogueRefs(300).find((r) => !seen.has(r)) as number;
        await touchLogo(tenant, { codes: [...[...seen].slice(0, 2), unread].map(code) });
      },
    });
    const refs = refsOf(read.rows);
    expect(new Set(refs)).toEqual(new Set(catalogueRefs(300)));
    // The two already-read items come again at the end; everything else once.
    expect(refs.length).toBe(catalogueRefs(300).length + 2);
  });

  it("rejects malformed items alone (no CODE, VAT not a number) and reads the rest", async () => {
    const tenant = newLogoTenant("malformed");
    await configureLogo(tenant, { items: 40, malformedEvery: 10 });
    const read = await readStream(logoConnector(tenant), "items", 15);
    expect(refsOf(read.rows)).toEqual(range(1, 40).filter((r) => r % 10 !== 0));
    const reasons = read.malformed.map((m) => `${m.key ?? "(no key)"}: ${m.reason}`).sort();
    expect(reasons).toEqual([
      "(no key): CODE is missing",
      "(no key): CODE is missing",
      'ITM-000020: VAT "abc" is not a number',
      'ITM-000040: VAT "abc" is not a number',
    ]);
  });

  it("takes only the listed card types when cardTypes is set", async () => {
    const tenant = newLogoTenant("cards");
    await configureLogo(tenant, { items: 50 });
    const read = await readStream(logoConnector(tenant, { settings: { cardTypes: [12] } }), "items", 100);
    expect(refsOf(read.rows)).toEqual([7, 14, 21, 28, 35, 42, 49]);
  });

  it("fails for good, asking for a new sync, when a cursor is unreadable", async () => {
    const error = await logoConnector(newLogoTenant("cursor"))
      .fetchPage("items", "not-a-cursor", 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining("start a new sync") });
  });
});

describe("Logo items: incremental runs", () => {
  it("brings exactly the 5 changed and the 3 new never-modified items, none older than the overlap", async () => {
    const tenant = newLogoTenant("incremental");
    await configureLogo(tenant, { items: 1000 });
    const connector = logoConnector(tenant);
    const full = await readStream(connector, "items", 200);
    expect(full.rows).toHaveLength(catalogueRefs(1000).length);

    const changed = [10, 20, 300, 601, 999].map(code);
    await touchLogo(tenant, { codes: changed });
    const { created } = await createLogoItems(tenant, { count: 3 });
    const next = await readStream(connector, "items", 200, { since: full.watermark });
    // Besides the eight, only what the minute of overlap reads again: items last changed within
    // 60 s of the end of the previous run (unchanged, so the delta pushes nothing for them).
    const end = (/m=([^#]+)#/.exec(full.watermark as string) as RegExpExecArray)[1] as string;
    const overlap = full.rows.filter((r) => changeTimeOf(r) >= shift(end, -60)).map((r) => r.CODE as string);
    expect(overlap.length).toBeLessThan(5);
    const read = next.rows.map((r) => r.CODE as string);
    expect(read.filter((c) => !overlap.includes(c)).sort()).toEqual([...changed, ...created].sort());
    const fresh = next.rows.filter((r) => created.includes(r.CODE as string));
    expect(fresh.every((r) => r.DATE_MODIFIED === NEVER)).toBe(true);

    // The run after that finds nothing but those eight again (they are inside its minute of overlap).
    const after = await readStream(connector, "items", 200, { since: next.watermark });
    expect(after.rows.map((r) => r.CODE).sort()).toEqual([...changed, ...created].sort());
  });

  it("reads an item changed in the watermark's very second, whatever its reference", async () => {
    const tenant = newLogoTenant("same-second");
    await configureLogo(tenant, { items: 400 });
    const connector = logoConnector(tenant, { settings: { incrementalOverlapSeconds: 0 } });
    const full = await readStream(connector, "items", 100);
    const m = /m=([^#]+)#(\d+)/.exec(full.watermark as string) as RegExpExecArray;
    const [t, ref] = [m[1] as string, Number(m[2])];
    const sameSecond = [4, 200, 398].filter((r) => r !== ref).map(code);
    await touchLogo(tenant, { codes: sameSecond, at: t });
    const next = await readStream(connector, "items", 100, { since: full.watermark });
    expect(next.rows.map((r) => r.CODE)).toEqual(expect.arrayContaining(sameSecond));
    for (const row of next.rows) expect(changeTimeOf(row) >= t || row.DATE_MODIFIED === NEVER).toBe(true);
  });

  it("finds items created after the last run even when nothing was ever modified", async () => {
    const tenant = newLogoTenant("created-only");
    await configureLogo(tenant, { items: 9 });
    // Only references 3, 6, 9 are never modified in the generated catalogue; touch none, create some.
    const connector = logoConnector(tenant);
    const full = await readStream(connector, "items", 5);
    const { created } = await createLogoItems(tenant, { count: 2 });
    const next = await readStream(connector, "items", 5, { since: full.watermark });
    expect(next.rows.map((r) => r.CODE)).toEqual(expect.arrayContaining(created));
  });

  it("reads a watermark of the earlier version (modification position only) and finds new items too", async () => {
    const tenant = newLogoTenant("old-mark");
    await configureLogo(tenant, { items: 60 });
    const connector = logoConnector(tenant);
    const full = await readStream(connector, "items", 100);
    const legacy = (full.watermark as string).split(";m=")[1] as string;
    const { created } = await createLogoItems(tenant, { count: 1 });
    const next = await readStream(connector, "items", 100, { since: legacy });
    expect(next.rows.map((r) => r.CODE)).toContain(created[0]);
    expect(next.rows.length).toBeLessThan(20);
  });

  it("reads everything when the watermark is unreadable rather than failing forever", async () => {
    const tenant = newLogoTenant("bad-since");
    await configureLogo(tenant, { items: 30 });
    const read = await readStream(logoConnector(tenant), "items", 100, { since: "yesterday" });
    expect(refsOf(read.rows)).toEqual(catalogueRefs(30));
  });

  it("asks Logo with ISO dates, which every service reads the same way", async () => {
    const tenant = newLogoTenant("iso");
    await configureLogo(tenant, { items: 20 });
    const connector = logoConnector(tenant);
    const full = await readStream(connector, "items", 100);
    const seen: string[] = [];
    const spying = logoConnector(tenant, {
      fetch: (url, init) => {
        seen.push(decodeURIComponent(new URL(url).searchParams.get("q") ?? ""));
        return fetch(url, init);
      },
    });
    await readStream(spying, "items", 100, { since: full.watermark });
    const dates = seen.flatMap((q) => q.match(/'[^']*'/g) ?? []);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((d) => /^'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}'$/.test(d))).toBe(true);
  });
});
