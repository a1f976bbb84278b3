import { isTransientWording } from "../../net/transient.ts";
import { UpstreamError } from "../../net/upstream-error.ts";

/**
 * What a failed Logo answer said, in Logo's words. Logo Objects REST answers token errors as
 * OAuth `{ error, error_description }` (public clients L4, L5) and data-call errors as ASP.NET
 * ModelState `{ Message, ModelState: { "<key>": ["…"] } }` with keys such as `LOError:`,
 * `ValError0`, `OtherError`, `DBError`, SQL error numbers (`207`) and `LoginError` (L1, L4, L5).
 * An expired token is often a bare 401 with no body at all (L5, L6).
 */
export interface LogoProblem {
  /** The OAuth error code (`invalid_grant`), or "" for other bodies. */
  error: string;
  /** ModelState keys present, e.g. ["LOError:"]. */
  keys: string[];
  /** Logo's own words, joined; or a summary of a body that is none of the above. */
  description: string;
}

/**
 * A failed call to Logo: an UpstreamError (retryable as `classify` says) that also keeps what
 * Logo said, for capability reports and run errors.
 */
export class LogoError extends UpstreamError {
  readonly problem: LogoProblem;

  constructor(message: string, problem: LogoProblem, options: ConstructorParameters<typeof UpstreamError>[2]) {
    super("connector", message, options);
    this.problem = problem;
  }
}

/** Reads the body of a failed answer into a LogoProblem. */
export async function readProblem(response: Response): Promise<LogoProblem> {
  const text = await response.text().catch(() => "");
  const body = parseObject(text);
  if (body) {
    const error = typeof body.error === "string" ? body.error : "";
    if (error) {
      const description = typeof body.error_description === "string" ? body.error_description : error;
      return { error, keys: [], description };
    }
    const state = body.ModelState;
    if (state && typeof state === "object" && !Array.isArray(state)) {
      const entries = Object.entries(state as Record<string, unknown>);
      const words = entries.flatMap(([, v]) => (Array.isArray(v) ? v : [v])).filter((w) => typeof w === "string");
      const message = typeof body.Message === "string" ? body.Message : "";
      return { error: "", keys: entries.map(([k]) => k), description: words.join("; ") || message };
    }
    if (typeof body.Message === "string" && body.Message) return { error: "", keys: [], description: body.Message };
  }
  const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return { error: "", keys: [], description: snippet || `HTTP ${response.status} without a body` };
}

/** Logo says the session is gone: a 401 of any shape, or ModelState `LoginError` (L4 logs in again on it). */
export const isLoginProblem = (status: number, problem: LogoProblem) =>
  status === 401 || problem.keys.some((k) => k.toLowerCase().startsWith("loginerror"));

/**
 * The error for a failed answer to `what` ("GET /items"). Retried: 408, 425, 429 and 5xx (with
 * Retry-After), and a database error whose words say it will pass (a deadlock, a timeout).
 * Not retried: Logo's own refusals (`LOError:`, `ValError…`, SQL errors), which the same call
 * would get again — so they fail at once with Logo's words instead of eight retries later.
 */
export function logoFailure(response: Response, what: string, problem: LogoProblem): LogoError {
  const base = UpstreamError.fromResponse("connector", response, `Logo ${what}`, problem.description);
  const refusal = problem.keys.some((k) => /^(LOError|ValError)/i.test(k));
  const passing = problem.keys.some((k) => /^DBError/i.test(k)) && isTransientWording(problem.description);
  return new LogoError(base.message, problem, {
    retryable: passing || (base.retryable && !refusal),
    ...(base.status !== undefined ? { status: base.status } : {}),
    ...(base.retryAfterSeconds !== undefined ? { retryAfterSeconds: base.retryAfterSeconds } : {}),
  });
}

/** Logo's own words for an error when it has them, else the error's message. */
export const describeError = (error: UpstreamError): string =>
  error instanceof LogoError ? error.problem.description : error.message;

export { permanentFailure as permanent } from "../../net/upstream-error.ts";

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
