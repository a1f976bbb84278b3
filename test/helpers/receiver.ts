import { expect } from "vitest";
import type { ReceivedDelivery } from "../../simulators/receiver/app.ts";
import { SIMS } from "./sims.ts";

export interface ReceiverSettings {
  secret: string;
  failNext?: number;
  failStatus?: number;
  retryAfter?: number;
  gone?: boolean;
  delayMs?: number;
  redirectTo?: string;
  answerBody?: string;
}

/** A fresh key for a receiver of one's own. */
export const receiverKey = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** The URL deliveries for `key` are sent to (simulators/receiver). */
export const receiverUrl = (key: string, origin = SIMS) => `${origin}/receiver/${encodeURIComponent(key)}`;

/** Replaces the receiver simulator's settings for `key`: its secret and the failures to come. */
export async function configureReceiver(key: string, config: ReceiverSettings): Promise<void> {
  const res = await fetch(`${SIMS}/receiver/__sim/${encodeURIComponent(key)}/config`, {
    method: "PUT",
    body: JSON.stringify(config),
    headers: { "content-type": "application/json" },
  });
  expect(res.status).toBe(200);
}

/** Every delivery that reached `key`, oldest first, with whether `standardwebhooks` verified it. */
export async function received(key: string): Promise<{ count: number; deliveries: ReceivedDelivery[] }> {
  const res = await fetch(`${SIMS}/receiver/__sim/${encodeURIComponent(key)}/received`);
  expect(res.status).toBe(200);
  return (await res.json()) as { count: number; deliveries: ReceivedDelivery[] };
}
