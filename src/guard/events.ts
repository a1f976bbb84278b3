import { type AuditActor, auditInsert } from "../audit/record.ts";
import { getDb } from "../db/client.ts";
import { outboxInsert } from "../outbound/emit.ts";
import { kickDispatch } from "../outbound/enqueue.ts";
import type { Circuit } from "./circuit.ts";
import type { GuardConfig } from "./config.ts";

export const SYSTEM_ACTOR: AuditActor = { actor: "system", role: null, merchantId: null, requestId: null, ip: null };

/**
 * Records a circuit transition in D1: an event in the outbox (`integration.circuit_opened` /
 * `integration.circuit_closed`, for outbound webhooks and alerting) and an audit entry, together.
 */
export async function recordCircuitTransition(
  env: Env,
  config: GuardConfig,
  transition: "opened" | "closed",
  circuit: Circuit,
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<void> {
  const db = getDb(env);
  const type = `integration.circuit_${transition}` as const;
  const payload = {
    integrationId: config.integrationId,
    state: circuit.state,
    openedAt: circuit.openedAt,
    nextProbeAt: circuit.nextProbeAt,
    opens: circuit.opens,
    lastFailure: circuit.lastFailure,
  };
  await db.batch([
    outboxInsert(db, { integrationId: config.integrationId, merchantId: config.merchantId, type, payload }),
    auditInsert(db, actor, {
      action: type,
      outcome: "success",
      merchantId: config.merchantId,
      target: { type: "integration", id: config.integrationId },
      details: payload,
    }),
  ]);
  await kickDispatch(env);
}
