import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error the API can answer with, and its HTTP status. The set is closed: clients may
 * switch on `code`, so a new failure mode gets a new entry here rather than a free-form string.
 */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHORIZED: 401,
  /** An incoming webhook without the signature (or API key) its integration's scheme requires. */
  WEBHOOK_SIGNATURE_MISSING: 401,
  /** An incoming webhook whose signature does not verify — or whose integration does not exist. */
  WEBHOOK_SIGNATURE_INVALID: 401,
  /** An incoming webhook signed too long ago, or in the future, beyond the tolerance. */
  WEBHOOK_TIMESTAMP_STALE: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  /** A per-merchant cap (integrations) is reached: waiting will not help, removing something will. */
  QUOTA_EXCEEDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  CONFIG_INVALID: 500,
  CREDENTIALS_UNREADABLE: 500,
  UPSTREAM_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** One problem with one input field, as reported to the client. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  details?: FieldIssue[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error type of the gateway. Throw it anywhere; `renderError` turns it into the
 * seed's error envelope with the status that belongs to its code.
 *
 * @example throw new AppError("NOT_FOUND", "Integration int_01H... not found")
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: FieldIssue[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }

  /** The 404 for a missing resource, and also for another merchant's: the two must read the same. */
  static notFound(resource: string, id: string): AppError {
    const label = resource.replace(/_/g, " ");
    return new AppError("NOT_FOUND", `${label[0]?.toUpperCase()}${label.slice(1)} ${id} not found`);
  }

  /** A 400 for one or more bad fields; the message names them so a human can fix the request. */
  static validation(issues: FieldIssue[]): AppError {
    const summary = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ");
    return new AppError("VALIDATION_ERROR", `Invalid request: ${summary}`, { details: issues });
  }
}
