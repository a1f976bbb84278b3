import { UpstreamError } from "../../net/upstream-error.ts";

/** Logo's error body, `{ error, error_description }`, as far as a failed answer had one. */
export interface LogoProblem {
  error: string;
  description: string;
}

/**
 * A failed call to Logo: an UpstreamError (retryable by status, as `fromResponse` reads it)
 * that also keeps Logo's own words, for capability reports and run errors.
 */
export class LogoError extends UpstreamError {
  readonly problem: LogoProblem;

  constructor(base: UpstreamError, problem: LogoProblem) {
    super(base.upstream, base.message, {
      retryable: base.retryable,
      ...(base.status !== undefined ? { status: base.status } : {}),
      ...(base.retryAfterSeconds !== undefined ? { retryAfterSeconds: base.retryAfterSeconds } : {}),
    });
    this.problem = problem;
  }
}

/** Reads the error body of a failed answer; any body that is not Logo's shape is summarised. */
export async function readProblem(response: Response): Promise<LogoProblem> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    const error = typeof body.error === "string" ? body.error : "";
    if (typeof body.error_description === "string") return { error, description: body.error_description };
    if (error) return { error, description: error };
  } catch {
    // not JSON: a proxy's error page, say
  }
  const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return { error: "", description: snippet || response.statusText || `HTTP ${response.status}` };
}

/** The error for a failed answer to `what` (e.g. "GET /items"), by its status. */
export async function logoFailure(response: Response, what: string, problem?: LogoProblem): Promise<LogoError> {
  const read = problem ?? (await readProblem(response));
  return new LogoError(UpstreamError.fromResponse("connector", response, `Logo ${what}`, read.description), read);
}

/** Logo's own words for an error when it has them, else the error's message. */
export const describeError = (error: UpstreamError): string =>
  error instanceof LogoError ? error.problem.description : error.message;

/** A permanent failure that is not an HTTP answer (a body we cannot read, a bad cursor). */
export const permanent = (message: string): UpstreamError =>
  new UpstreamError("connector", message, { retryable: false });
