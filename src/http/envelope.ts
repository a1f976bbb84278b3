import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import type { ErrorCode, FieldIssue } from "./errors.ts";

/** The seed's pagination block. */
export interface Pagination {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

export interface ErrorBody {
  success: false;
  error: string;
  code: ErrorCode;
  details?: FieldIssue[];
  timestamp: string;
  requestId: string;
}

const meta = (c: Context<AppEnv>) => ({
  timestamp: new Date().toISOString(),
  requestId: c.get("requestId"),
});

/** 200 `{ success: true, data, timestamp, requestId }` */
export function ok<T>(c: Context<AppEnv>, data: T) {
  return c.json({ success: true as const, data, ...meta(c) }, 200);
}

/** The same envelope with 201 Created. */
export function created<T>(c: Context<AppEnv>, data: T) {
  return c.json({ success: true as const, data, ...meta(c) }, 201);
}

/** The same envelope with 202 Accepted: the work is queued. */
export function accepted<T>(c: Context<AppEnv>, data: T) {
  return c.json({ success: true as const, data, ...meta(c) }, 202);
}

/** `{ success: true, data: [...], pagination, timestamp, requestId }` */
export function paginated<T>(c: Context<AppEnv>, data: T[], page: { page: number; limit: number; total: number }) {
  const pagination: Pagination = { ...page, totalPages: Math.ceil(page.total / page.limit) };
  return c.json({ success: true as const, data, pagination, ...meta(c) }, 200);
}

/** `{ success: false, error, code, timestamp, requestId }`, plus `details` for field errors. */
export function errorBody(c: Context<AppEnv>, code: ErrorCode, message: string, details?: FieldIssue[]): ErrorBody {
  return { success: false, error: message, code, ...(details ? { details } : {}), ...meta(c) };
}
