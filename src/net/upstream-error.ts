import { hostsOnly } from "../observability/redact.ts";

/**
 * A failed call to a system outside the gateway (the platform, a merchant's ERP or file host).
 * `retryable` and `status` are what `failureOf` (src/failure) reads: a job retries later with
 * backoff (network errors, timeouts, 5xx, 429) or fails at once (a 4xx that will not fix
 * itself); network errors, timeouts, 5xx and refused credentials count against the circuit.
 */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  readonly upstream: "platform" | "connector";
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** From `Retry-After`, when the upstream said how long to wait. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    upstream: "platform" | "connector",
    message: string,
    options: { retryable: boolean; status?: number; retryAfterSeconds?: number; cause?: unknown },
  ) {
    // Messages go to run errors (read by viewers), order errors and log lines; a URL in them,
    // ours or echoed by the upstream, keeps its host only (see `hostsOnly`).
    super(hostsOnly(message), { cause: options.cause });
    this.upstream = upstream;
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The usual reading of an HTTP failure status: 408, 425, 429 and 5xx are worth retrying. */
  static fromResponse(
    upstream: "platform" | "connector",
    response: Response,
    what: string,
    detail = "",
  ): UpstreamError {
    const status = response.status;
    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
    const suffix = detail ? `: ${detail}` : "";
    return new UpstreamError(upstream, `${what} answered ${status}${suffix}`, {
      retryable,
      status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }
}

/** A connector failure that no retry will fix (a body that cannot be read, a bad cursor, a refused order). */
export const permanentFailure = (message: string): UpstreamError =>
  new UpstreamError("connector", message, { retryable: false });

/**
 * How an error names a merchant's system: the host (with a port other than the scheme's), never
 * the path or query, which may hold a secret (`https://files.example.com/<token>/stock.csv`)
 * and would reach run errors that viewers read and log lines.
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || "a URL without a host";
  } catch {
    return "an invalid URL";
  }
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
