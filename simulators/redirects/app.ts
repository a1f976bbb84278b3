import { Hono } from "hono";
import type { SimEnv } from "../index.ts";

/**
 * Redirects on demand, and a place that notes what reached it — to show where the gateway's
 * requests (and their credentials) go when a merchant's server answers with a redirect.
 *
 *   ALL  /redirects/:status?to=<url>     answers :status (301, 302, 303, 307, 308) with
 *                                        Location: <url> (relative or absolute), an empty body
 *   ALL  /redirects/capture/:key         notes the request (host, method, which credential
 *                                        headers it carried) and answers a one-row CSV
 *   GET  /redirects/__sim/captures/:key  every request noted under :key, oldest first
 *
 * Every fetch of the gateway reaches this Worker whatever its host, so a test points a
 * redirect at `https://another-host.test/redirects/capture/<key>` to stand for a foreign host.
 * State lives in a module-level Map, as long as the simulators Worker's isolate.
 */
export const redirectsApp = new Hono<{ Bindings: SimEnv }>();

export interface Capture {
  host: string;
  method: string;
  path: string;
  authorization: boolean;
  cookie: boolean;
  /** Names of every request header, lowercased and sorted. */
  headers: string[];
}

const captures = new Map<string, Capture[]>();
const MAX_KEYS = 1000;

redirectsApp.get("/__sim/captures/:key", (c) => {
  const list = captures.get(c.req.param("key")) ?? [];
  return c.json({ count: list.length, requests: list });
});

redirectsApp.all("/capture/:key", (c) => {
  const url = new URL(c.req.url);
  const key = c.req.param("key");
  const list = captures.get(key) ?? [];
  list.push({
    host: url.host,
    method: c.req.method,
    path: url.pathname,
    authorization: c.req.header("authorization") !== undefined,
    cookie: c.req.header("cookie") !== undefined,
    headers: [...c.req.raw.headers.keys()].sort(),
  });
  captures.set(key, list);
  if (captures.size > MAX_KEYS) captures.delete(captures.keys().next().value as string);
  return c.text("sku,name,price,stock\nCAPTURED-1,Captured,1,1\n", 200, { "Content-Type": "text/csv" });
});

redirectsApp.all("/:status{30[12378]}", (c) => {
  const to = c.req.query("to");
  if (!to) return c.json({ error: "give the target as ?to=<url>" }, 400);
  return c.body(null, Number(c.req.param("status")) as 301, { Location: to });
});
