import { z } from "@hono/zod-openapi";
import type { BudgetStatus, GuardStatus } from "./types.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const RateLimitView = z.object({
  requests: z.number().int(),
  per: z.enum(["second", "minute"]),
  tokens: z.number().int().openapi({ description: "Calls that can go out right now" }),
  pausedUntil: z.iso.datetime().nullable().openapi({ description: "Set by a 429/503 with Retry-After" }),
});

const rateLimitView = (r: BudgetStatus) => ({
  requests: r.requests,
  per: r.perMs === 60_000 ? ("minute" as const) : ("second" as const),
  tokens: r.tokens,
  pausedUntil: iso(r.pausedUntil),
});

export const GuardView = z
  .object({
    circuit: z.object({
      state: z.enum(["closed", "open", "half_open"]),
      failures: z.number().int().openapi({ description: "Consecutive failures while closed" }),
      threshold: z.number().int(),
      opens: z.number().int().openapi({ description: "Re-opens since it last closed; each doubles the cool-down" }),
      openedAt: z.iso.datetime().nullable(),
      nextProbeAt: z.iso.datetime().nullable(),
      probeInFlight: z.boolean(),
      lastFailure: z.string().nullable(),
    }),
    rateLimit: RateLimitView.openapi({ description: "The budget of syncs and order exports" }),
    interactiveRateLimit: RateLimitView.openapi({
      description: "The budget of mapping previews and connection tests, apart from the syncs'",
    }),
    leases: z.array(z.object({ type: z.string(), holder: z.string(), expiresAt: z.iso.datetime() })),
    seenWebhookIds: z.number().int(),
    heldWebhookEvents: z.number().int().openapi({
      description:
        "Incoming webhook events taken (answered 202) and not yet written to the events table; the guard writes them in batches within moments, and keeps them through a database outage",
    }),
  })
  .openapi("GuardState");
export type GuardView = z.infer<typeof GuardView>;

export function toGuardView(status: GuardStatus): GuardView {
  const { circuit } = status;
  return {
    circuit: {
      state: circuit.state,
      failures: circuit.failures,
      threshold: circuit.threshold,
      opens: circuit.opens,
      openedAt: iso(circuit.openedAt),
      nextProbeAt: iso(circuit.nextProbeAt),
      probeInFlight: circuit.probe !== null,
      lastFailure: circuit.lastFailure,
    },
    rateLimit: rateLimitView(status.rateLimit),
    interactiveRateLimit: rateLimitView(status.interactiveRateLimit),
    leases: status.leases.map((l) => ({ ...l, expiresAt: new Date(l.expiresAt).toISOString() })),
    seenWebhookIds: status.seenWebhookIds,
    heldWebhookEvents: status.heldWebhookEvents,
  };
}
