import { z } from "zod";
import { TOPIC_HEADERS } from "./event-types.ts";

/**
 * What the gateway reads of a webhook body. The seed's shape is `{ eventType, data }`; Standard
 * Webhooks recommends `{ type, timestamp, data }`; a preset's sender names the event in a header
 * and sends the resource as the body. `data` is one record or a batch.
 */
export interface Envelope {
  type: string;
  data: unknown;
  /** The sender's event id from the body, if it gives one. */
  eventId: string | null;
  /** The sender's order of changes from the body: its sequence, or its change time in ms. */
  version: number | null;
}

const Body = z
  .object({
    eventType: z.string().trim().min(1).max(100).optional(),
    type: z.string().trim().min(1).max(100).optional(),
    eventId: z.string().trim().min(1).max(200).optional(),
    sequence: z.number().finite().nonnegative().optional(),
    timestamp: z.union([z.string(), z.number()]).optional(),
    occurredAt: z.string().optional(),
    data: z.unknown().optional(),
  })
  .loose();

export type EnvelopeResult = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/** The envelope of a parsed body; the reason says what the sender has to fix. */
export function readEnvelope(body: unknown, scheme: string, headers: Headers): EnvelopeResult {
  const topic = TOPIC_HEADERS[scheme];
  if (topic) {
    const name = headers.get(topic.header)?.trim().toLowerCase() ?? "";
    if (name)
      return { ok: true, envelope: { type: topic.topics[name] ?? name, data: body, eventId: null, version: null } };
  }
  const parsed = Body.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "the body must be a JSON object with eventType (or type) and data" };
  const b = parsed.data;
  const type = b.eventType ?? b.type;
  if (!type) return { ok: false, reason: "the body has no eventType (or type)" };
  if (b.data === undefined || b.data === null) return { ok: false, reason: "the body has no data" };
  if (Array.isArray(b.data) && b.data.length === 0) return { ok: false, reason: "the body's data is an empty list" };
  return {
    ok: true,
    envelope: {
      type,
      data: b.data,
      eventId: b.eventId ?? null,
      version: b.sequence ?? timeOf(b.occurredAt) ?? timeOf(b.timestamp),
    },
  };
}

/** ISO 8601 or Unix seconds, in ms; anything else is no time. */
export function timeOf(value: string | number | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value * 1000 : null;
  if (typeof value !== "string" || value.trim() === "") return null;
  if (/^\d{1,12}$/.test(value.trim())) return Number(value) * 1000;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
