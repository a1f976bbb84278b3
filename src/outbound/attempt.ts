import type { Config } from "../config.ts";
import type { AttemptErrorClass } from "../db/outbound-schema.ts";
import { outboundUrlProblem } from "../net/outbound-url.ts";
import { hostOf, parseRetryAfter } from "../net/upstream-error.ts";
import { hostsOnly } from "../observability/redact.ts";
import { classifyFetchError, readFirstBytes } from "./delivery-response.ts";

/** One POST of a delivery, as the delivery log records it. */
export interface AttemptResult {
  /** A 2xx answer. */
  ok: boolean;
  /** Null when no answer came (refused URL, timeout, network failure). */
  statusCode: number | null;
  /** Null for a 2xx. */
  errorClass: null | AttemptErrorClass;
  /** For the log and the API: names the host, never the path or query (they may hold a token). */
  error: string | null;
  latencyMs: number;
  /** The first KiB of the answer, as text. */
  responseBody: string | null;
  /** From the answer's `Retry-After`, in seconds. */
  retryAfterSeconds: number | undefined;
}

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 15_000;
export const RESPONSE_BODY_BYTES = 1024;

/**
 * POSTs one signed delivery. The URL is checked against the SSRF policy first (it was checked
 * when saved, but the policy or the flag may have changed since): a refused URL sends nothing.
 * Redirects are not followed — a receiver that moved should be updated, and following would
 * replay a signed POST at a place chosen by whoever answered — so a 3xx is a failure.
 * Never throws: every outcome is a result.
 *
 * @example
 *   const result = await attemptDelivery(config, sub.url, { headers: await signatureHeaders(...), body });
 */
export async function attemptDelivery(
  config: Pick<Config, "allowLoopbackHttp">,
  url: string,
  init: { headers: Record<string, string>; body: string },
  options: { timeoutMs?: number; fetcher?: typeof fetch } = {},
): Promise<AttemptResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const fetcher = options.fetcher ?? fetch;
  const host = hostOf(url);
  const problem = outboundUrlProblem(url, config);
  if (problem) return failure("refused_url", `Refused to call ${host}: the URL ${problem}`, 0);

  const started = Date.now();
  let response: Response;
  try {
    response = await fetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...init.headers },
      body: init.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const errorClass = classifyFetchError(error);
    const reason = errorClass === "timeout" ? `no answer within ${timeoutMs} ms` : `${errorClass} error`;
    return failure(errorClass, `${host}: ${reason}`, Date.now() - started);
  }
  const responseBody = await readFirstBytes(response, RESPONSE_BODY_BYTES);
  const latencyMs = Date.now() - started;
  const status = response.status;
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  const answered = { statusCode: status, latencyMs, responseBody, retryAfterSeconds };
  if (status >= 200 && status < 300) return { ok: true, errorClass: null, error: null, ...answered };
  if (status >= 300 && status < 400) {
    const to = redirectHost(url, response.headers.get("location"));
    return {
      ok: false,
      errorClass: "redirect",
      error: `${host} redirected (${status})${to}; redirects are not followed — update the subscription's URL`,
      ...answered,
    };
  }
  return { ok: false, errorClass: "http", error: `${host} answered ${status}`, ...answered };
}

/** Where a redirect pointed, as ` to <host>`, or nothing when it named no usable place. */
function redirectHost(from: string, location: string | null): string {
  if (!location) return "";
  try {
    return ` to ${new URL(location, from).host}`;
  } catch {
    return "";
  }
}

function failure(errorClass: AttemptErrorClass, error: string, latencyMs: number): AttemptResult {
  return {
    ok: false,
    statusCode: null,
    errorClass,
    error: hostsOnly(error),
    latencyMs,
    responseBody: null,
    retryAfterSeconds: undefined,
  };
}
