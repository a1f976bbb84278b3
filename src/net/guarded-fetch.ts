import { type OutboundPolicy, outboundUrlProblem } from "./outbound-url.ts";
import { UpstreamError } from "./upstream-error.ts";

export type GuardedFetch = (url: string, init?: RequestInit) => Promise<Response>;

const MAX_REDIRECTS = 3;

/**
 * `fetch` for calls to merchants' systems: every URL (and every redirect target) must pass the
 * SSRF policy, redirects are followed by hand (at most 3, GET/HEAD only) so that a public host
 * cannot bounce the gateway onto a private one, and every call has a timeout. Network failures
 * and timeouts become retryable `UpstreamError`s.
 */
export function guardedFetch(policy: OutboundPolicy, options: { timeoutMs?: number } = {}): GuardedFetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async function guarded(url, init = {}) {
    let target = url;
    for (let hop = 0; ; hop++) {
      const problem = outboundUrlProblem(target, policy);
      if (problem) {
        throw new UpstreamError("connector", `Refused to call ${redactUrl(target)}: the URL ${problem}`, {
          retryable: false,
        });
      }
      let response: Response;
      try {
        response = await fetch(target, {
          ...init,
          redirect: "manual",
          signal: init.signal ?? AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason =
          error instanceof Error && error.name === "TimeoutError"
            ? `no answer within ${timeoutMs} ms`
            : "network error";
        throw new UpstreamError("connector", `${redactUrl(target)}: ${reason}`, { retryable: true, cause: error });
      }
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      const method = (init.method ?? "GET").toUpperCase();
      if (hop >= MAX_REDIRECTS || (method !== "GET" && method !== "HEAD")) {
        throw new UpstreamError("connector", `${redactUrl(target)} redirected too often or on a ${method}`, {
          retryable: false,
        });
      }
      await response.body?.cancel();
      target = new URL(location, target).toString();
    }
  };
}

/** The URL without its query string, which may carry tokens. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "an invalid URL";
  }
}
