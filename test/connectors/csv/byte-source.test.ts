import { describe, expect, it } from "vitest";
import { CATALOGUE_HEADER, catalogueRow } from "../../../simulators/files/catalogue.ts";
import { httpByteSource } from "../../../src/connectors/csv/byte-source.ts";
import type { CsvCursor } from "../../../src/connectors/csv/format.ts";
import { readCsvPage } from "../../../src/connectors/csv/reader.ts";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import { csvFormat, readAllPages, utf8 } from "../../helpers/bytes.ts";

const FILES = "https://sims.test/files";
const uniqueName = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}.csv`;

async function putFile(name: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${FILES}/${name}`, { method: "PUT", body, headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { name: string; bytes: number; etag: string };
}

/** `fetch` that records each answer's status and the Range asked for, and counts body bytes read. */
function countingFetch(inner: typeof fetch = fetch) {
  const stats = { bytes: 0, requests: [] as { status: number; range: string | null; ifRange: string | null }[] };
  const counted = async (url: string, init?: RequestInit) => {
    const res = await inner(url, init);
    const headers = new Headers(init?.headers);
    stats.requests.push({ status: res.status, range: headers.get("range"), ifRange: headers.get("if-range") });
    const body = res.body?.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          stats.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body ?? null, { status: res.status, headers: res.headers });
  };
  return { fetch: counted, stats };
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const expectedRow = (i: number, delimiter: "," | ";" | "\t" = ",", version = 1) =>
  Object.fromEntries(CATALOGUE_HEADER.map((h, k) => [h, catalogueRow({ seed: 7, delimiter, version }, i)[k]]));

describe("httpByteSource against the files simulator", () => {
  it("reads a 100000-row catalogue page by page with ranges, a few KB per page", async () => {
    const { fetch: f, stats } = countingFetch();
    const source = httpByteSource(f, `${FILES}/generated/catalogue.csv?rows=100000&seed=7`);
    let cursor: CsvCursor | null = null;
    for (let page = 0; page < 3; page++) {
      const before = stats.bytes;
      const result = await readCsvPage(source, csvFormat(), cursor, 500);
      expect(result.rows).toHaveLength(500);
      expect(result.rows[0]).toEqual(expectedRow(page * 500 + 1));
      expect(result.rows[499]).toEqual(expectedRow(page * 500 + 500));
      // 500 rows are about 40 KB of a 6 MB file.
      expect(stats.bytes - before).toBeLessThan(150_000);
      cursor = result.next;
      expect(cursor?.rowsRead).toBe((page + 1) * 500);
    }
    expect(stats.requests.map((r) => r.status)).toEqual([200, 206, 206]);
    expect(stats.requests[0]?.range).toBeNull();
    expect(stats.requests[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(stats.requests[1]?.ifRange).toMatch(/^".+"$/);
  });

  it("reads generated catalogues in every delimiter and encoding exactly as generated", async () => {
    for (const [delimiter, name, encoding] of [
      [",", ",", "utf-8"],
      [";", ";", "windows-1254"],
      ["\t", "tab", "utf-8"],
    ] as const) {
      const url = `${FILES}/generated/catalogue.csv?rows=700&seed=7&delimiter=${name}&encoding=${encoding}&malformedEvery=150&version=3`;
      const all = await readAllPages(httpByteSource(fetch, url), csvFormat({ encoding }), 128);
      const expected = Array.from({ length: 700 }, (_, k) => k + 1)
        .filter((i) => i % 150 !== 0)
        .map((i) => expectedRow(i, delimiter, 3));
      expect(all.rows).toEqual(expected);
      expect(all.malformed.map((m) => [m.row, m.key])).toEqual(
        [150, 300, 450, 600].map((i) => [i, `SKU-${String(i).padStart(6, "0")}`]),
      );
      expect(all.malformed[0]?.reason).toBe("row has 5 fields, the header has 6");
    }
  });

  it("gives identical pages from a host without range support, skipping bytes itself", async () => {
    const generated = new Uint8Array(
      await (await fetch(`${FILES}/generated/catalogue.csv?rows=400&seed=7&delimiter=;`)).arrayBuffer(),
    );
    const ranged = uniqueName("ranged");
    const plain = uniqueName("no-range");
    await putFile(ranged, generated);
    await putFile(plain, generated, { "x-no-range": "1" });
    const counted = countingFetch();
    const withRanges = await readAllPages(httpByteSource(fetch, `${FILES}/${ranged}`), csvFormat(), 50);
    const withoutRanges = await readAllPages(httpByteSource(counted.fetch, `${FILES}/${plain}`), csvFormat(), 50);
    expect(withoutRanges.rows).toEqual(withRanges.rows);
    expect(withoutRanges.rows).toHaveLength(400);
    expect(withoutRanges.pages).toBe(8);
    expect(new Set(counted.stats.requests.map((r) => r.status))).toEqual(new Set([200]));
  });

  it("refuses to go on when the file changed between pages, with or without range support", async () => {
    for (const headers of [{}, { "x-no-range": "1" }] as Record<string, string>[]) {
      const name = uniqueName("changing");
      await putFile(name, "sku,stock\nA,1\nB,2\nC,3\n", headers);
      const source = httpByteSource(fetch, `${FILES}/${name}`);
      const first = await readCsvPage(source, csvFormat(), null, 1);
      expect(first.next?.etag).toMatch(/^".+"$/);
      await putFile(name, "sku,stock\nA,1\nB,5\nC,3\n", headers);
      const error = await failure(readCsvPage(source, csvFormat(), first.next, 1));
      expect(error.retryable).toBe(false);
      expect(error.message).toBe("the file changed during the sync; start a new sync");
    }
  });

  it("uses a 206 as is and treats a range past the end as nothing left", async () => {
    const name = uniqueName("ranges");
    const { etag } = await putFile(name, "0123456789");
    const { fetch: f, stats } = countingFetch();
    const source = httpByteSource(f, `${FILES}/${name}`);
    const middle = await source.open(4, etag);
    expect(await new Response(middle.body).text()).toBe("456789");
    expect(middle.etag).toBe(etag);
    const past = await source.open(25, etag);
    expect(await new Response(past.body).text()).toBe("");
    expect(stats.requests.map((r) => r.status)).toEqual([206, 416]);
  });

  it("sends basic and bearer credentials the host accepts", async () => {
    const basic = uniqueName("basic");
    const bearer = uniqueName("bearer");
    const credentials = btoa(String.fromCharCode(...utf8("depo:şifre-1")));
    await putFile(basic, "sku\nA\n", { "x-require-authorization": `Basic ${credentials}` });
    await putFile(bearer, "sku\nB\n", { "x-require-authorization": "Bearer csv-token-1" });
    const auth = { username: "depo", password: "şifre-1" };
    const a = await readCsvPage(httpByteSource(fetch, `${FILES}/${basic}`, auth), csvFormat(), null, 10);
    const b = await readCsvPage(
      httpByteSource(fetch, `${FILES}/${bearer}`, { bearerToken: "csv-token-1" }),
      csvFormat(),
      null,
      10,
    );
    expect([a.rows, b.rows]).toEqual([[{ sku: "A" }], [{ sku: "B" }]]);
  });

  it("fails permanently when the host refuses the credentials", async () => {
    const name = uniqueName("private");
    await putFile(name, "sku\nA\n", { "x-require-authorization": "Bearer right" });
    for (const auth of [{ bearerToken: "wrong" }, undefined]) {
      const error = await failure(httpByteSource(fetch, `${FILES}/${name}`, auth).open(0));
      expect(error).toMatchObject({ retryable: false, status: 401, upstream: "connector" });
      expect(error.message).toContain("refused the credentials");
    }
  });

  it("fails permanently on a missing file", async () => {
    const name = uniqueName("deleted");
    await putFile(name, "sku\nA\n");
    expect((await fetch(`${FILES}/${name}`, { method: "DELETE" })).status).toBe(204);
    const error = await failure(httpByteSource(fetch, `${FILES}/${name}`).open(0));
    expect(error).toMatchObject({ retryable: false, status: 404 });
  });

  it("fails retryably on a 503, with the host's Retry-After, and reads once the host is back", async () => {
    const name = uniqueName("flaky");
    await putFile(name, "sku\nA\n", { "x-fail-next": "1" });
    const source = httpByteSource(fetch, `${FILES}/${name}`);
    const error = await failure(readCsvPage(source, csvFormat(), null, 10));
    expect(error).toMatchObject({ retryable: true, status: 503, retryAfterSeconds: 1 });
    expect((await readCsvPage(source, csvFormat(), null, 10)).rows).toEqual([{ sku: "A" }]);
  });

  it("fails retryably when the host cannot be reached", async () => {
    const unreachable = async () => {
      throw new TypeError("connection refused");
    };
    const error = await failure(httpByteSource(unreachable, "https://files.example.com/x.csv").open(0));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("connection refused");
  });
});

describe("httpByteSource with hosts that differ from the simulator", () => {
  /** A host without ETags that serves `versions[n]` to the n-th request, honouring Range. */
  function datedHost(versions: { text: string; lastModified: string }[]) {
    let n = 0;
    return async (_url: string, init?: RequestInit) => {
      const version = versions[Math.min(n++, versions.length - 1)] as { text: string; lastModified: string };
      const bytes = utf8(version.text);
      const start = Number(/bytes=(\d+)-/.exec(new Headers(init?.headers).get("range") ?? "")?.[1] ?? 0);
      const headers = {
        "Last-Modified": version.lastModified,
        "Content-Range": `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      };
      return new Response(bytes.subarray(start), { status: start > 0 ? 206 : 200, headers });
    };
  }

  it("uses Last-Modified to notice a file that changed, when the host has no ETags", async () => {
    const host = datedHost([
      { text: "sku\nA\nB\nC\n", lastModified: "Mon, 02 Mar 2026 10:00:00 GMT" },
      { text: "sku\nA\nX\nC\n", lastModified: "Mon, 02 Mar 2026 10:05:00 GMT" },
    ]);
    const source = httpByteSource(host, "https://files.example.com/x.csv");
    const first = await readCsvPage(source, csvFormat(), null, 1);
    expect(first.next?.etag).toBe("last-modified: Mon, 02 Mar 2026 10:00:00 GMT");
    const error = await failure(readCsvPage(source, csvFormat(), first.next, 1));
    expect(error.message).toBe("the file changed during the sync; start a new sync");
  });

  it("pages on when Last-Modified stays the same", async () => {
    const host = datedHost([{ text: "sku\nA\nB\nC\n", lastModified: "Mon, 02 Mar 2026 10:00:00 GMT" }]);
    const all = await readAllPages(httpByteSource(host, "https://files.example.com/x.csv"), csvFormat(), 1);
    expect(all.rows).toEqual([{ sku: "A" }, { sku: "B" }, { sku: "C" }]);
  });

  it("refuses a 206 that starts somewhere else than asked", async () => {
    const host = async () =>
      new Response("B\n", { status: 206, headers: { "Content-Range": "bytes 0-1/2", ETag: '"a"' } });
    const error = await failure(httpByteSource(host, "https://files.example.com/x.csv").open(10, '"a"'));
    expect(error.retryable).toBe(false);
  });
});
