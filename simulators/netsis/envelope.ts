import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SimEnv } from "../index.ts";

export type Ctx = Context<{ Bindings: SimEnv }>;

/**
 * ErrorCode of a business error. N1's TResult has the field but no public source shows its
 * values (silent: chosen): a small closed set of names, always with a Turkish ErrorDesc.
 */
export type ErrorCode = "ValidationError" | "NotFound" | "Duplicate" | "PermissionDenied" | "SqlError" | "Injected";

/** N1 `TResult<T>`: success. */
export const result = (c: Ctx, data: unknown) =>
  c.json({ IsSuccessful: true, ErrorCode: null, ErrorDesc: null, Message: null, Data: data });

/**
 * N1 `TResult<T>`: a business error. HTTP 200 with IsSuccessful false: N3 notes that NetOpenX
 * answers 200 and reports failure in IsSuccessful (the status is otherwise silent).
 */
export const businessError = (c: Ctx, code: ErrorCode, description: string) =>
  c.json({ IsSuccessful: false, ErrorCode: code, ErrorDesc: description, Message: null, Data: null });

/** What ASP.NET Web API itself answers outside the controllers: `{ Message }`. */
export const aspNetError = (c: Ctx, status: ContentfulStatusCode, message: string, extra: object = {}) =>
  c.json({ Message: message, ...extra }, status);

/** `{ "Message": "An error has occurred." }`: an unhandled exception in ASP.NET Web API. */
export const crashed = (c: Ctx) => aspNetError(c, 500, "An error has occurred.");

/** N1 `Meta`, the link type of First, Next and Previous. */
export const link = (href: string) => ({ Href: href, MediaType: "application/json", ApiVersion: "v2" });

/**
 * N1 `TSelectData<T>`: a page. Offset, Limit and TotalCount as asked and found; First, Next and
 * Previous are this URL with another offset (Next null on the last page, Previous null on the
 * first); Meta links the page itself.
 */
export function page(c: Ctx, url: URL, rows: unknown[], at: { offset: number; limit: number; total: number }) {
  const { offset, limit, total } = at;
  const href = (newOffset: number) => {
    const next = new URL(url);
    for (const key of [...next.searchParams.keys()]) {
      if (/^(offset|limit)$/i.test(key)) next.searchParams.delete(key);
    }
    next.searchParams.set("limit", String(limit));
    next.searchParams.set("offset", String(newOffset));
    return link(next.href);
  };
  return c.json({
    IsSuccessful: true,
    ErrorCode: null,
    ErrorDesc: null,
    Message: null,
    Data: rows,
    Meta: link(url.href),
    Offset: offset,
    TotalCount: total,
    Limit: limit,
    First: href(0),
    Next: offset + limit < total ? href(offset + limit) : null,
    Previous: offset > 0 ? href(Math.max(0, offset - limit)) : null,
  });
}
