import type { Config } from "../config.ts";
import { type Db, runBatch } from "../db/client.ts";
import type { IntegrationRow, WebhookEventRow } from "../db/schema.ts";
import { decimalOption, type MappedRecord, mapRows, type RejectedRow } from "../mapping/engine.ts";
import { itemEvents, outboxInsert } from "../outbound/emit.ts";
import { wantedTypes } from "../outbound/subscriptions/store.ts";
import { changedSince, loadStored, saveHashes, toCandidates, zeroInactiveStock } from "../sync/delta.ts";
import { pushChanged } from "../sync/push.ts";
import { ITEM_EVENTS, type ItemEventType } from "./event-types.ts";
import { entitiesOfItem, eventMappingOf } from "./mapping.ts";
import { webhookSettingsOf } from "./settings-of.ts";
import { claimItems, itemKey } from "./versions.ts";

/** Rejections kept on an event; the count says how many there were. */
const MAX_REJECTIONS_SHOWN = 50;

export interface ItemEventOutcome {
  items: number;
  pushed: number;
  unchanged: number;
  /** Items older than a change already applied to them: left alone. */
  stale: number;
  rejectedCount: number;
  rejected: { entity: string; key: string | null; field: string | null; reason: string; item: number }[];
}

export type Applied = { status: "processed" | "stale" | "rejected"; outcome: ItemEventOutcome };

/**
 * An item event (product, stock, price) applied the way a sync page is: mapped and validated
 * with the integration's event mapping, each item claimed at the event's version (an item a
 * newer change already reached is stale and left alone), compared with what was last pushed,
 * and what changed pushed to the platform with idempotency keys of this event. A push stopped
 * part-way records what was accepted and throws, for the job to be retried.
 */
export async function applyItemEvent(
  config: Config,
  db: Db,
  integration: IntegrationRow,
  event: WebhookEventRow,
  type: ItemEventType,
): Promise<Applied> {
  const settings = webhookSettingsOf(integration);
  const mapping = eventMappingOf(integration, settings);
  const data = (event.payload as { data?: unknown })?.data ?? event.payload;
  const items: unknown[] = Array.isArray(data) ? data : [data];

  const records: MappedRecord[] = [];
  const rejected: RejectedRow[] = [];
  items.forEach((item, index) => {
    const entities = entitiesOfItem(mapping, ITEM_EVENTS[type], item);
    const mapped = mapRows(mapping.compiled, [item as Record<string, unknown>], entities, {
      firstRow: index + 1,
      ...decimalOption(integration),
    });
    records.push(...mapped.records);
    rejected.push(...mapped.rejected);
  });

  const now = new Date();
  const candidates = toCandidates(records);
  const claimed = await claimItems(db, integration.id, event.id, event.version, candidates, now);
  const fresh = candidates.filter((c) => claimed.has(itemKey(c.entity, c.key)));
  const stored = await loadStored(db, integration.id, fresh);
  const changed = changedSince(zeroInactiveStock(fresh, stored), stored, false);

  const push = await pushChanged(config, event.id, integration.merchantId, changed);
  if (push.kind === "partial") {
    await runBatch(db, saveHashes(db, integration.id, push.done.accepted, now));
    throw push.error;
  }
  const { pushed } = push;
  // What changed goes to the outbox with the hashes, for outgoing webhooks.
  const wanted = pushed.accepted.length > 0 ? await wantedTypes(db, integration) : () => false;
  const events = itemEvents(integration, { webhookEventId: event.id }, pushed.accepted).filter((e) => wanted(e.type));
  await runBatch(db, [
    ...saveHashes(db, integration.id, pushed.accepted, now),
    ...events.map((e) => outboxInsert(db, e, now)),
  ]);

  const rejections = [
    ...rejected.map((r) => ({ entity: r.entity, key: r.key, field: r.field, reason: r.reason, item: r.row })),
    ...pushed.rejected.map((r) => ({
      entity: r.candidate.entity,
      key: r.candidate.key,
      field: null,
      reason: `platform: ${r.reason}`,
      item: 0,
    })),
  ];
  const outcome: ItemEventOutcome = {
    items: items.length,
    pushed: pushed.accepted.length,
    unchanged: fresh.length - changed.length,
    stale: candidates.length - fresh.length,
    rejectedCount: rejections.length,
    rejected: rejections.slice(0, MAX_REJECTIONS_SHOWN),
  };
  const status = candidates.length === 0 ? "rejected" : fresh.length === 0 ? "stale" : "processed";
  return { status, outcome };
}
