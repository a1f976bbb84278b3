/**
 * Webhook deliveries for the benchmark: every one a distinct event (its own `eventId`, so the
 * dedupe never short-cuts it), signed with the integration's secret in the seed's scheme
 * (the integration's default) by node:crypto, as test/helpers/webhooks.ts does. They are signed
 * before a batch starts, so that the client's HMAC is not in the timing.
 */
import { createHmac } from "node:crypto";

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

let serial = 0;
const run = Date.now().toString(36);

/** `count` deliveries of the seed's example event, each with a new event id. */
export function signedDeliveries(secret: string, count: number): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const n = serial++;
    const body = JSON.stringify({
      eventType: "product.updated",
      eventId: `evt_bench_${run}_${n}`,
      data: { productId: `PROD-${n % 1000}`, sku: `SKU-${n % 1000}`, price: 29.99, stock: n % 100 },
    });
    const timestamp = new Date().toISOString();
    const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
    out.push({
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Webhook-Timestamp": timestamp,
        "X-Webhook-Signature": `sha256=${signature}`,
      },
    });
  }
  return out;
}

/** Fails loudly unless the answer is the 202 of a stored and queued event (or the bare route's). */
export async function expectAccepted(res: { status: number; text(): Promise<string> }, what: string): Promise<void> {
  const text = await res.text();
  if (res.status !== 202) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
