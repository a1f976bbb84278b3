import { sql } from "drizzle-orm";
import type { Context } from "hono";
import ipaddr from "ipaddr.js";
import { sha256Hex } from "../crypto/hash.ts";
import { type Db, getDb } from "../db/client.ts";
import { auditLog } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import { type AuditActor, type AuditEvent, actorFromContext, auditRow } from "./record.ts";

/** Repeated security events of one kind from one source share one entry per window. */
export const SECURITY_EVENT_WINDOW_MS = 10 * 60_000;

/**
 * Where a request comes from, as the rate limits and the audit log count it: the IPv4 address,
 * or the /64 of an IPv6 one (one subscriber usually holds a whole /64, so counting single
 * addresses would let a client rotate through billions of them).
 */
export function clientSource(ip: string | null | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return "unknown";
  const address = ipaddr.process(ip); // an IPv4-mapped IPv6 address counts as its IPv4
  if (address.kind() === "ipv4") return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
}

/**
 * Records a security event (`auth.*`) as a count: the first one in a window writes an entry,
 * every repeat of the same action, actor, source, reason and target adds one to its `count`
 * and moves `lastAt`. A flood of bad tokens is one row, not one per request.
 */
export async function recordSecurityEvent(db: Db, actor: AuditActor, event: AuditEvent, now = Date.now()) {
  const row = { ...auditRow(actor, event), at: new Date(now) };
  const window = now - (now % SECURITY_EVENT_WINDOW_MS);
  const reason = typeof event.details?.reason === "string" ? event.details.reason : "";
  const aggregateKey = await sha256Hex(
    [
      event.action,
      actor.actor,
      clientSource(actor.ip),
      row.merchantId ?? "",
      reason,
      event.target?.id ?? "",
      window,
    ].join("\n"),
  );
  await db
    .insert(auditLog)
    .values({ ...row, aggregateKey, lastAt: row.at })
    .onConflictDoUpdate({
      target: auditLog.aggregateKey,
      set: { count: sql`${auditLog.count} + 1`, lastAt: row.at },
    });
}

/**
 * Records a security event after the answer has gone (`waitUntil`), so that a refusal costs the
 * same whether or not it writes: a foreign id and a missing one answer alike, in time too. A
 * failed write is logged; it never changes the answer.
 */
export function auditSecurityEvent(c: Context<AppEnv>, event: AuditEvent): void {
  const write = recordSecurityEvent(getDb(c.env), actorFromContext(c), event).catch((error: unknown) =>
    c.get("log").error("audit write failed", { action: event.action, error: String(error) }),
  );
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    // No execution context (a direct app.request): the write still runs, unawaited.
  }
}
