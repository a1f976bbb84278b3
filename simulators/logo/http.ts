import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SimEnv } from "../index.ts";
import type { Tenant } from "./state.ts";

/**
 * The answers of an ASP.NET Web API service, as Logo's REST service gives them (L1, L4, L5):
 * `{ Message }`, and `{ Message: "The request is invalid.", ModelState: { key: [text] } }`.
 */
export type Ctx = Context<{ Bindings: SimEnv }>;

export const message = (c: Ctx, status: ContentfulStatusCode, text: string) => c.json({ Message: text }, status);

/** A ModelState error; 400 for every key (silent: chosen). */
export const modelState = (c: Ctx, key: string, text: string) =>
  c.json({ Message: "The request is invalid.", ModelState: { [key]: [text] } }, 400);

export const noResource = (c: Ctx) =>
  message(c, 404, `No HTTP resource was found that matches the request URI '${c.req.url}'.`);

export const methodNotAllowed = (c: Ctx) =>
  message(c, 405, `The requested resource does not support http method '${c.req.method}'.`);

/** An unhandled exception: ASP.NET shows no detail. */
export const serverError = (c: Ctx, status: ContentfulStatusCode = 500) => message(c, status, "An error has occurred.");

/** Query parameters as Web API model binding reads them: names in any case, the first value wins. */
export class Params {
  readonly #values = new Map<string, string>();
  readonly url: URL;

  constructor(url: string) {
    this.url = new URL(url);
    for (const [name, value] of this.url.searchParams)
      if (!this.#values.has(name.toLowerCase())) this.#values.set(name.toLowerCase(), value);
  }

  get(name: string): string | undefined {
    return this.#values.get(name.toLowerCase());
  }

  /** This request's query with `changes` applied (names in any case replaced), for links. */
  with(changes: Record<string, string>): string {
    const search = new URLSearchParams();
    const changed = new Set(Object.keys(changes).map((n) => n.toLowerCase()));
    for (const [name, value] of this.url.searchParams) if (!changed.has(name.toLowerCase())) search.append(name, value);
    for (const [name, value] of Object.entries(changes)) search.set(name, value);
    return search.toString();
  }
}

/**
 * Where this tenant's API lives in the links it hands out. With `advertisedOrigin` the links
 * carry that origin, as a real server's carry its own configured address (L1's Meta hrefs point
 * at http://172.16.57.114:32001 whatever host the client used).
 */
export const apiBase = (c: Ctx, t: Tenant): string =>
  `${t.config.advertisedOrigin ?? new URL(c.req.url).origin}/logo/${encodeURIComponent(t.id)}/api/v1`;

export const meta = (href: string) => ({ href, mediaType: "application/json; charset=UTF-8", apiVersion: "1.0" });
