import type { WebhookSettings } from "../settings.ts";

/** Why a delivery was refused; the endpoint answers each with 401 and this code. */
export type VerifyFailure = "WEBHOOK_SIGNATURE_MISSING" | "WEBHOOK_SIGNATURE_INVALID" | "WEBHOOK_TIMESTAMP_STALE";

/**
 * The outcome of checking one delivery. `timestampMs` is the sender's signed timestamp (null for
 * schemes without one); `eventId` the sender's id for the event, when a header carries one.
 * A failure's `message` says what to fix and never repeats a secret or a signature.
 */
export type Verdict =
  | { ok: true; timestampMs: number | null; eventId: string | null }
  | { ok: false; code: VerifyFailure; message: string };

export interface VerifyInput {
  settings: WebhookSettings;
  headers: Headers;
  /** The raw body, exactly as received: signatures are over these bytes, never over parsed JSON. */
  body: Uint8Array;
  /** The integration's valid secrets, newest first (two during a rotation overlap). */
  secrets: readonly string[];
  /** Milliseconds since the epoch. */
  now: number;
}

/**
 * The one message for "a signature is there but matches nothing". Every scheme uses it, and so
 * does an unknown integration, so the answer does not tell which integrations exist.
 */
export const MISMATCH_MESSAGE =
  "No signature in the request matches this integration's webhook secret: sign the raw body exactly as sent, with the current secret";

export const missing = (headers: readonly string[]): Verdict => ({
  ok: false,
  code: "WEBHOOK_SIGNATURE_MISSING",
  message: `Missing header${headers.length > 1 ? "s" : ""} ${headers.join(", ")}: this integration's webhooks must carry ${headers.length > 1 ? "them" : "it"}`,
});

export const invalid = (message: string): Verdict => ({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID", message });

export const mismatch = (): Verdict => invalid(MISMATCH_MESSAGE);
