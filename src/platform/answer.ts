import { UpstreamError } from "../net/upstream-error.ts";
import type { PlatformRecord } from "./records.ts";

// Reading the platform's answers, kept apart from the request side in client.ts.

/** How a batch went, record by record; `replayed` when the platform answered from its idempotency store. */
export interface PushOutcome {
  /** Skus the platform took, in the order sent. */
  accepted: string[];
  /** Skus it refused (`key`) with its reason; fixing the record, not retrying, helps them. */
  rejected: { key: string; reason: string }[];
  replayed: boolean;
}

/**
 * The outcome of a 200, checked against what was sent: one result per record, in order, for the
 * same sku. Anything else is a permanent "unexpected answer" — retrying would not change it.
 */
export function readOutcome(
  text: string,
  records: readonly PlatformRecord[],
  what: string,
  status: number,
): PushOutcome {
  const unexpected = (why: string) =>
    new UpstreamError("platform", `${what}: unexpected answer (${why})`, { retryable: false, status });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw unexpected("not JSON");
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== records.length) {
    throw unexpected(`expected ${records.length} results`);
  }
  const outcome: PushOutcome = {
    accepted: [],
    rejected: [],
    replayed: (body as { replayed?: unknown }).replayed === true,
  };
  records.forEach(({ sku }, i) => {
    const result = results[i] as { sku?: unknown; status?: unknown; error?: unknown } | null;
    // Results pair with records by position; a mismatch means we cannot tell which record fared how.
    if (result?.sku !== sku) throw unexpected(`result ${i} is not for sku ${sku}`);
    if (result.status === "accepted") outcome.accepted.push(sku);
    else if (result.status === "rejected") {
      outcome.rejected.push({ key: sku, reason: typeof result.error === "string" ? result.error : "rejected" });
    } else throw unexpected(`result ${i} has status ${String(result.status)}`);
  });
  return outcome;
}

/** The platform's `error` (and `code`) from an error body, else the start of the text. */
export function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; code?: unknown };
    if (typeof body.error === "string")
      return typeof body.code === "string" ? `${body.error} (${body.code})` : body.error;
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  return text.slice(0, 200);
}

/**
 * `text` with the token masked: some proxies echo request headers into their error pages, and
 * the token must never reach an error message or a log.
 */
export function redact(text: string, token: string): string {
  return token ? text.replaceAll(token, "[redacted]") : text;
}
