import { z } from "@hono/zod-openapi";
import { ERROR_CODES, type ERROR_STATUS, type ErrorCode } from "../http/errors.ts";

/** `?page=&limit=` as every list endpoint takes them. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const Meta = {
  timestamp: z.iso.datetime().openapi({ example: "2024-01-20T10:30:00.000Z" }),
  requestId: z.string().openapi({ example: "req_1234567890" }),
};

export const PaginationSchema = z
  .object({ page: z.number().int(), limit: z.number().int(), total: z.number().int(), totalPages: z.number().int() })
  .openapi("Pagination");

export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ example: "Invalid request: credentials.firmNo: is required" }),
    code: z.enum(ERROR_CODES),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    ...Meta,
  })
  .openapi("Error");

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

/** A 2xx response in the seed's envelope: `{ success: true, data, timestamp, requestId }`. */
export function dataResponse<T extends z.ZodType>(data: T, description: string) {
  return { description, content: json(z.object({ success: z.literal(true), data, ...Meta })) };
}

/** A list response: the envelope plus `pagination`. */
export function pageResponse<T extends z.ZodType>(item: T, description: string) {
  return {
    description,
    content: json(z.object({ success: z.literal(true), data: z.array(item), pagination: PaginationSchema, ...Meta })),
  };
}

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input; `details` names each bad field",
  401: "Missing, invalid or expired token",
  403: "The token's role may not do this",
  404: "No such resource (or another merchant's)",
  409: "Conflicts with an existing resource",
  413: "Body too large",
  415: "Body is not JSON",
  429: "Rate-limited; see Retry-After",
  500: "Internal error or misconfiguration",
  502: "The merchant's system or the platform failed",
  503: "A dependency is unavailable",
};

/** Error responses for a route, by status: `...errorResponses(400, 401, 404)`. */
export function errorResponses<S extends (typeof ERROR_STATUS)[ErrorCode]>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s] ?? "Error", content: json(ErrorSchema) }]),
  ) as Record<S, { description: string; content: ReturnType<typeof json<typeof ErrorSchema>> }>;
}

/** The errors any authenticated route can answer with. */
export const AUTH_ERRORS = [401, 403, 500] as const;

export const bearerSecurity = [{ bearerAuth: [] }];
