import { type OutboundPolicy, outboundUrlProblem } from "./outbound-url.ts";
import { hostOf, permanentFailure as permanent, UpstreamError } from "./upstream-error.ts";

export type GuardedFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Redirects followed per call; a longer chain is refused. */
export const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * `fetch` for calls to merchants' systems. Every URL must pass the SSRF policy, and every call
 * has one timeout for all of its hops. Redirects are followed by hand and only where the
 * credentials may go:
 *
 * - within the configured origin (scheme, host and port), at most 3 hops, GET/HEAD only, each
 *   hop checked against the policy again;
 * - never to another origin: the request carries the integration's credentials (a bearer
 *   token, Basic auth, a session), and the Location is chosen by whoever answers. Stripping
 *   them instead would mostly turn the redirect into a puzzling 401, so the call fails at once
 *   with an error naming the other host and asking for the final URL to be configured;
 * - never from https to http.
 *
 * Network failures and timeouts become retryable `UpstreamError`s; refused URLs and redirects
 * permanent ones. Messages name hosts only: paths and queries of configured URLs may hold
 * secrets (`https://files.example.com/<token>/stock.csv`) and run errors are shown to viewers.
 */
export function guardedFetch(policy: OutboundPolicy, options: { timeoutMs?: number } = {}): GuardedFetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async function guarded(url, init = {}) {
    const signal = init.signal ?? AbortSignal.timeout(timeoutMs);
    const method = (init.method ?? "GET").toUpperCase();
    let target = url;
    for (let hop = 0; ; hop++) {
      const problem = outboundUrlProblem(target, policy);
      if (problem) throw permanent(`Refused to call ${hostOf(target)}: the URL ${problem}`);
      let response: Response;
      try {
        response = await fetch(target, { ...init, redirect: "manual", signal });
      } catch (error) {
        const reason =
          error instanceof Error && error.name === "TimeoutError"
            ? `no answer within ${timeoutMs} ms`
            : "network error";
        throw new UpstreamError("connector", `${hostOf(target)}: ${reason}`, { retryable: true, cause: error });
      }
      const location = response.headers.get("location");
      if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
      await response.body?.cancel();
      target = redirectTarget(url, target, location, { status: response.status, method, hop });
    }
  };
}

/** Where a redirect from `from` may be followed, or the permanent error that says why not. */
function redirectTarget(
  configured: string,
  from: string,
  location: string,
  answer: { status: number; method: string; hop: number },
): string {
  const source = hostOf(from);
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw permanent(`${source} answered ${answer.status} with a Location that is not a URL`);
  }
  const origin = new URL(configured);
  if (origin.protocol === "https:" && next.protocol !== "https:") {
    throw permanent(
      `${source} redirected from https to ${next.protocol.replace(/:$/, "")} (${next.host}); the gateway does not leave https — configure the final https URL`,
    );
  }
  if (next.origin !== origin.origin) {
    throw permanent(
      `${source} redirected to ${next.host}; the gateway does not send credentials to another host — configure the final URL`,
    );
  }
  if (answer.method !== "GET" && answer.method !== "HEAD") {
    throw permanent(
      `${source} answered a ${answer.method} with a redirect (${answer.status}); configure the final URL`,
    );
  }
  if (answer.hop >= MAX_REDIRECTS) {
    throw permanent(`${source} redirected more than ${MAX_REDIRECTS} times; configure the final URL`);
  }
  return next.toString();
}
