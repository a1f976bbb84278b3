import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import {
  changeTimeOf,
  configureLogo,
  logoConnector,
  newLogoTenant,
  readStream,
  refsOf,
  touchLogo,
} from "../../helpers/logo.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
const code = (ref: number) => `ITM-${String(ref).padStart(6, "0")}`;
/** `YYYY-MM-DDTHH:MM:SS` moved by `seconds`. */
const shift = (t: string, seconds: number) => new Date(Date.parse(`${t}Z`) + seconds * 1000).toISOString().slice(0, 19);

describe("Logo items: keyset paging in change order", () => {
  it("reads 2,345 items in pages of 500, each exactly once, numbering rows across pages", async () => {
    const tenant = newLogoTenant("paging");
    await configureLogo(tenant, { items: 2345 });
    const read = await readStream(logoConnector(tenant), "items", 500);
    expect(read.pages.map((p) => p.rows.length)).toEqual([500, 500, 500, 500, 345]);
    expect(read.pages.map((p) => p.firstRow)).toEqual([1, 501, 1001, 1501, 2001]);
    expect(refsOf(read.rows)).toEqual(range(1, 2345));
    expect(read.malformed).toEqual([]);
    // In change order: times never go back, and ties go by reference.
    const keys = read.rows.map((r) => [changeTimeOf(r), Number(r.INTERNAL_REFERENCE)] as const);
    for (let k = 1; k < keys.length; k++) {
      const [[t0, r0], [t1, r1]] = [keys[k - 1], keys[k]] as [[string, number], [string, number]];
      expect(t0 < t1 || (t0 === t1 && r0 < r1), `${t0}#${r0} before ${t1}#${r1}`).toBe(true);
    }
    const last = keys.at(-1) as [string, number];
    expect(read.watermark).toBe(`${last[0]}#${last[1]}`);
  });

  it("reads a 100,000-item ERP to the end, each item once", async () => {
    const tenant = newLogoTenant("100k");
    await configureLogo(tenant, { items: 100_000 });
    const read = await readStream(logoConnector(tenant), "items", 1000);
    expect(read.pages).toHaveLength(100);
    const refs = refsOf(read.rows);
    expect(refs).toHaveLength(100_000);
    expect(refs.every((ref, k) => ref === k + 1)).toBe(true);
  });

  it("asks Logo for at most 1000 rows a page, whatever the page size", async () => {
    const tenant = newLogoTenant("cap");
    await configureLogo(tenant, { items: 2100 });
    const read = await readStream(logoConnector(tenant), "items", 2000);
    expect(read.pages.map((p) => p.rows.length)).toEqual([1000, 1000, 100]);
    expect(refsOf(read.rows)).toEqual(range(1, 2100));
  });

  it("skips nothing when items change between two pages of a run", async () => {
    const tenant = newLogoTenant("moving");
    await configureLogo(tenant, { items: 300 });
    const connector = logoConnector(tenant);
    const read = await readStream(connector, "items", 50, {
      between: async (pages, sofar) => {
        if (pages !== 2) return;
        // Two items already read move to now, and one not read yet too.
        const seen = new Set(refsOf(sofar.rows));
        const unread = range(1, 300).find((r) => !seen.has(r)) as number;
        await touchLogo(tenant, { codes: [...[...seen].slice(0, 2), unread].map(code) });
      },
    });
    const refs = refsOf(read.rows);
    expect(new Set(refs)).toEqual(new Set(range(1, 300)));
    // The two already-read items come again at the end; everything else once.
    expect(refs.length).toBe(302);
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
    const rows = read.malformed.map((m) => m.row).sort((a, b) => a - b);
    expect(rows.every((row) => row >= 1 && row <= 40)).toBe(true);
    expect(new Set(rows).size).toBe(4);
  });

  it("fails for good, asking for a new sync, when a cursor is unreadable", async () => {
    const tenant = newLogoTenant("cursor");
    const error = await logoConnector(tenant)
      .fetchPage("items", "not-a-cursor", 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining("start a new sync") });
  });
});

describe("Logo items: incremental runs", () => {
  it("reads every item touched in the watermark's second or later, and nothing older than the overlap", async () => {
    const tenant = newLogoTenant("incremental");
    await configureLogo(tenant, { items: 1000 });
    const connector = logoConnector(tenant, { settings: { incrementalOverlapSeconds: 60 } });
    const full = await readStream(connector, "items", 200);
    expect(full.rows).toHaveLength(1000);
    const watermark = full.watermark as string;
    const [t, ref] = watermark.split("#") as [string, string];

    // Items with lower and higher references than the watermark's change in its very second,
    // others a little later; none of them is the watermark's own item.
    const sameSecond = [3, 500, 997].filter((r) => r !== Number(ref)).map(code);
    const later = [10, 20].map(code);
    await touchLogo(tenant, { codes: sameSecond, at: t });
    await touchLogo(tenant, { codes: later, at: shift(t, 5) });

    const next = await readStream(connector, "items", 200, { since: watermark });
    const codes = next.rows.map((r) => r.CODE as string);
    expect(codes).toEqual(expect.arrayContaining([...sameSecond, ...later]));
    // Everything else it read lies inside the overlap window before the watermark.
    const windowStart = shift(t, -60);
    for (const row of next.rows) expect(changeTimeOf(row) >= windowStart, changeTimeOf(row)).toBe(true);
    const untouchedOld = full.rows.filter((r) => changeTimeOf(r) < windowStart).length;
    expect(untouchedOld).toBeGreaterThan(900);
    expect(next.rows.length).toBeLessThanOrEqual(1000 - untouchedOld + sameSecond.length + later.length);
    expect(next.watermark).toBe(`${shift(t, 5)}#20`);
  });

  it("keeps the watermark when nothing changed, and reads everything again without one", async () => {
    const tenant = newLogoTenant("unchanged");
    await configureLogo(tenant, { items: 50 });
    const connector = logoConnector(tenant, { settings: { incrementalOverlapSeconds: 0 } });
    const full = await readStream(connector, "items", 20);
    const again = await readStream(connector, "items", 20, { since: full.watermark });
    // With no overlap, only the watermark's own second is read again.
    const [t] = (full.watermark as string).split("#");
    expect(again.rows.length).toBeGreaterThanOrEqual(1);
    expect(again.rows.every((r) => changeTimeOf(r) === t)).toBe(true);
    expect(again.watermark).toBe(full.watermark);
    const forced = await readStream(connector, "items", 20, { since: null });
    expect(forced.rows).toHaveLength(50);
  });

  it("reads everything when the watermark is unreadable rather than failing forever", async () => {
    const tenant = newLogoTenant("bad-since");
    await configureLogo(tenant, { items: 30 });
    const read = await readStream(logoConnector(tenant), "items", 100, { since: "yesterday" });
    expect(read.rows).toHaveLength(30);
  });
});
