import { z } from "zod";
import { seededRandom } from "../shared/random.ts";
import type { MerchantState } from "./state.ts";

/** The body of `PUT /__sim/merchants/{id}/faults`; it replaces whatever faults were in force. */
export const FaultsSchema = z
  .object({
    /** Let this many batch requests through before any fault applies (a failure part-way through a sync). */
    passNext: z.number().int().min(0).optional(),
    failNext: z.number().int().min(0).optional(),
    failStatus: z.number().int().min(400).max(599).optional(),
    rateLimitNext: z.number().int().min(0).optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    rejectSkus: z.array(z.string()).optional(),
  })
  // A misspelt fault would silently do nothing and make a test pass for the wrong reason.
  .strict();
export type Faults = z.infer<typeof FaultsSchema>;

/** What an injected failure answers instead of the real thing. */
export interface InjectedFailure {
  status: number;
  code: string;
  error: string;
  retryAfterSeconds?: number;
}

/** Puts new faults in force for a merchant and reseeds its random draws. */
export function setFaults(state: MerchantState, faults: Faults): void {
  state.faults = faults;
  state.rejectSkus = new Set(faults.rejectSkus ?? []);
  state.random = seededRandom(faults.seed ?? 1);
}

/**
 * Decides whether this batch request fails, using up one `failNext` or `rateLimitNext` when it
 * does. Checked in that order, then `errorRate`; `passNext` requests go through untouched first.
 */
export function takeInjectedFailure(state: MerchantState): InjectedFailure | null {
  const f = state.faults;
  if (f.passNext) {
    f.passNext -= 1;
    return null;
  }
  if (f.failNext) {
    f.failNext -= 1;
    return { status: f.failStatus ?? 500, code: "INJECTED_FAILURE", error: "injected failure (failNext)" };
  }
  if (f.rateLimitNext) {
    f.rateLimitNext -= 1;
    return {
      status: 429,
      code: "RATE_LIMITED",
      error: "too many requests (rateLimitNext)",
      retryAfterSeconds: f.retryAfterSeconds ?? 1,
    };
  }
  if (f.errorRate && state.random() < f.errorRate) {
    return { status: 500, code: "INJECTED_FAILURE", error: "injected failure (errorRate)" };
  }
  return null;
}
