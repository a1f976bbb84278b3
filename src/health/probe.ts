import type { Config } from "../config.ts";
import type { CapabilityReport } from "../connectors/definition.ts";
import { type CallObserver, connectorFor } from "../connectors/instance.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { failureOf } from "../failure/failure.ts";
import { underGuard } from "../guard/client.ts";
import { guardConfig } from "../guard/config.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import { hostsOnly } from "../observability/redact.ts";

/** The guard lease a health check holds: one check per integration at a time, apart from the syncs' leases. */
export const HEALTH_LEASE = "health-check";

/** How one scheduled check went: it ran (and passed or failed), or the guard said not now. */
export type ProbeResult =
  | { kind: "checked"; ok: boolean; latencyMs: number; durationMs: number; message: string | null }
  | { kind: "deferred"; until: number; reason: string };

/** A failed report, thrown inside the guard so that it reports the failure; its cause says whether it counts. */
class CheckFailed extends Error {
  override name = "CheckFailed";
}

/**
 * The scheduled health check of one integration: the connector's own `testConnection` — the one
 * `POST /api/integrations/{id}/test-connection` runs, spending the interactive budget — but under
 * the integration's guard, so that it feeds the circuit as a sync page does. A check the circuit
 * admits is the half-open probe when one is due (a passing check closes the circuit without
 * waiting for a sync); a failed check counts against it when a call failed in a way `failureOf`
 * counts (network errors, timeouts, 5xx, refused credentials), and is neutral otherwise (a file
 * that is not there, a missing right). The response time is the slowest single call.
 *
 * @example const result = await probeConnection(env, config, integration, `health:${now}`)
 */
export async function probeConnection(
  env: Env,
  config: Config,
  integration: IntegrationRow,
  holder: string,
): Promise<ProbeResult> {
  let slowest = 0;
  let unwell: unknown = null;
  const observe: CallObserver = (call) => {
    slowest = Math.max(slowest, call.latencyMs);
    const failure =
      call.status === null
        ? call.error
        : call.status >= 400
          ? new UpstreamError("connector", `the merchant's system answered ${call.status}`, {
              retryable: call.status >= 500,
              status: call.status,
            })
          : null;
    if (failure && unwell === null && failureOf(failure).countsAgainstCircuit) unwell = failure;
  };
  const started = Date.now();
  let report: CapabilityReport | undefined;
  const checked = (ok: boolean, message: string | null): ProbeResult => ({
    kind: "checked",
    ok,
    latencyMs: slowest,
    durationMs: Date.now() - started,
    message: message === null ? null : hostsOnly(message).slice(0, 500),
  });
  try {
    const guarded = await underGuard(env, guardConfig(integration), HEALTH_LEASE, holder, async () => {
      const connector = await connectorFor(env, config, integration, { budget: "interactive", observe });
      report = await connector.testConnection();
      if (!report.ok) throw new CheckFailed(firstFailure(report), { cause: unwell ?? undefined });
      return report;
    });
    if (guarded.kind === "done") return checked(true, null);
    // The check ran and failed, and that opened the circuit: a result all the same.
    if (report !== undefined) return checked(false, firstFailure(report));
    return { kind: "deferred", until: guarded.until, reason: guarded.reason };
  } catch (error) {
    return checked(false, error instanceof CheckFailed ? error.message : failureOf(error).message);
  }
}

/** The first failed capability, in the connector's words. */
function firstFailure(report: CapabilityReport): string {
  const failed = report.checks.find((c) => c.status === "failed");
  return failed ? `${failed.capability}: ${failed.message ?? "failed"}` : "the connection test failed";
}
