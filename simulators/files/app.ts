import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { type CatalogueOptions, catalogueText, encodeText } from "./catalogue.ts";
import { contentEtag, type ServedFile, serveFile } from "./serve.ts";

/**
 * A file host serving CSV exports, with Range/ETag support and faults on demand.
 *
 *   PUT    /files/:name   store the request body; optional headers:
 *                        x-require-authorization: <exact Authorization value GETs must send>
 *                        x-no-range: 1        ignore Range, always 200 with the whole body
 *                        x-fail-next: <n>     the next n GETs answer 503 with Retry-After: 1
 *   GET    /files/:name   the file (ETag, Accept-Ranges, Range → 206, If-Range, 416)
 *   DELETE /files/:name
 *   GET    /files/generated/catalogue.csv?rows=&seed=&delimiter=,|;|tab&encoding=&malformedEvery=&version=&eol=lf&noRange=1
 *                        a deterministic catalogue (see catalogue.ts), built once per query
 *
 * State lives in module-level Maps: it lasts as long as the simulators Worker's isolate.
 */
export const filesApp = new Hono<{ Bindings: SimEnv }>();

const stored = new Map<string, ServedFile>();
const generated = new Map<string, Promise<ServedFile>>();
/** Generated files kept at once; a 100000-row catalogue is about 8 MB. */
const MAX_GENERATED = 4;
const MAX_ROWS = 1_000_000;

filesApp.get("/generated/catalogue.csv", async (c) => {
  const options = catalogueOptions(new URL(c.req.url).searchParams);
  if (typeof options === "string") return c.json({ error: options }, 400);
  const key = JSON.stringify(options);
  let file = generated.get(key);
  if (!file) {
    file = buildCatalogue(options);
    generated.set(key, file);
    if (generated.size > MAX_GENERATED) generated.delete(generated.keys().next().value as string);
  }
  const noRange = c.req.query("noRange") === "1";
  return serveFile(c.req.raw, { ...(await file), noRange });
});

filesApp.put("/:name", async (c) => {
  const name = c.req.param("name");
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const etag = await contentEtag(bytes);
  const failNext = Number(c.req.header("x-fail-next") ?? 0);
  stored.set(name, {
    bytes,
    etag,
    requireAuthorization: c.req.header("x-require-authorization"),
    noRange: c.req.header("x-no-range") === "1",
    failNext: Number.isInteger(failNext) && failNext > 0 ? failNext : 0,
  });
  return c.json({ name, bytes: bytes.byteLength, etag });
});

filesApp.get("/:name", (c) => {
  const file = stored.get(c.req.param("name"));
  if (!file) return c.text("not found", 404);
  return serveFile(c.req.raw, file);
});

filesApp.delete("/:name", (c) => {
  const existed = stored.delete(c.req.param("name"));
  return existed ? c.body(null, 204) : c.text("not found", 404);
});

async function buildCatalogue(options: CatalogueOptions): Promise<ServedFile> {
  const bytes = encodeText(catalogueText(options), options.encoding);
  return { bytes, etag: await contentEtag(bytes) };
}

/** The query, validated, with defaults; a string says what is wrong. */
function catalogueOptions(query: URLSearchParams): CatalogueOptions | string {
  const int = (name: string, fallback: number, min: number, max: number): number | string => {
    const raw = query.get(name);
    const value = raw === null ? fallback : Number(raw);
    return Number.isInteger(value) && value >= min && value <= max ? value : `${name} must be an integer ${min}–${max}`;
  };
  const rows = int("rows", 100, 0, MAX_ROWS);
  const seed = int("seed", 1, 0, 2 ** 31 - 1);
  const malformedEvery = int("malformedEvery", 0, 0, MAX_ROWS);
  const version = int("version", 1, 1, 1_000_000);
  for (const value of [rows, seed, malformedEvery, version]) if (typeof value === "string") return value;
  const delimiters = { ",": ",", ";": ";", tab: "\t" } as const;
  const delimiterName = query.get("delimiter") ?? ",";
  if (!Object.hasOwn(delimiters, delimiterName)) return "delimiter must be , ; or tab";
  const delimiter = delimiters[delimiterName as keyof typeof delimiters];
  const encoding = query.get("encoding") ?? "utf-8";
  if (encoding !== "utf-8" && encoding !== "windows-1254") return "encoding must be utf-8 or windows-1254";
  const eol = query.get("eol") === "lf" ? "\n" : "\r\n";
  return {
    rows: rows as number,
    seed: seed as number,
    delimiter,
    encoding,
    malformedEvery: malformedEvery as number,
    version: version as number,
    eol,
  };
}
