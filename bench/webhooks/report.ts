import type { InProcessFigures } from "../webhooks.ts";
import type { WranglerDevFigures } from "./wrangler-dev.ts";

const WHAT: Record<string, string> = {
  limit: "the client rate limit (the API's; incoming webhooks skip it)",
  config: "the configuration (remembered per `env`)",
  integration: "the integration's row (D1 select; the receiver reads it once per WEBHOOK_CACHE_SECONDS)",
  secrets: "its secrets in force (D1 select) unsealed (AES-GCM; read with the row, as rarely)",
  verify: "the signature (HMAC-SHA256), the JSON and the envelope",
  sight: "the dedupe alone: one call to the integration's guard (Durable Object)",
  take: "the dedupe and the event held in the guard's storage: the one call the receiver makes (the guard's batched writes to D1 and the queue after it included)",
  insert: "the event's row (D1 insert), which the receiver no longer waits on",
  send: "one job on the priority queue (the guard sends a batch's jobs in one call)",
  receive: "all of the above as the gateway does it (`receiveWebhook`), without the app around it",
};

const ms = (n: number | null) => (n === null ? "–" : n.toFixed(2));
/** A difference from the bare route; one at or below zero is lost in the noise. */
const more = (n: number | undefined) =>
  n === undefined ? "?" : n < 0.05 ? "none beyond the noise" : `${n.toFixed(2)} ms`;

/** Section C of docs/performance.md. */
export function webhooksReport(a: InProcessFigures, b: WranglerDevFigures): string {
  const steps = a.steps
    .map((s) => `| ${s.step}: ${WHAT[s.step] ?? ""} | ${ms(s.ms)} | ${ms(s.extraMs)} | ${ms(s.extraCpuMs)} |`)
    .join("\n");
  const receive = a.steps.find((s) => s.step === "receive");
  const parts = a.steps.filter((s) => s.step !== "receive");
  const io = parts.filter((s) => ["limit", "integration", "secrets", "take"].includes(s.step));
  const extra = a.webhookMs - a.bareMs;
  const receiverSum = parts
    .filter((s) => ["config", "integration", "secrets", "verify", "take"].includes(s.step))
    .reduce((t, s) => t + s.extraMs, 0);
  const ioMs = io.reduce((t, s) => t + s.extraMs, 0);
  const ioCpu = io.reduce((t, s) => t + (s.extraCpuMs ?? 0), 0);
  const step = (name: string) => a.steps.find((s) => s.step === name)?.extraMs;
  const ioNames = io.map((s) => s.step).join(", ");
  const before = ["sight", "insert", "send"].reduce((t, name) => t + Math.max(0, step(name) ?? 0), 0);
  const take = Math.max(0, step("take") ?? 0);
  return `
## C. Incoming webhooks

\`POST /webhooks/{id}\` (the body read within its limit, the seed's signature verified, the event id
deduplicated by the integration's guard, which holds the event and then writes it to D1 and queues
it in batches, 202 after the guard's answer) against a
bare Hono route in the same runtime. The bare route (bench/webhooks/bare-worker.ts) reads the body
too, as the receiver must before it can verify anything, and answers 202 with a receipt of the same
shape: the difference is the gateway's own work (its middleware, D1, the guard, the queue, the
crypto), not the bytes on the wire. Every delivery is a new event (its own \`eventId\`), signed with
the integration's secret (created through the API; signed by node:crypto before each batch), and
every answer is checked to be 202, so no delivery is a duplicate. The queue consumers are off:
the events' processing runs in other invocations, and here it would only share the two cores.

### In one workerd

The built gateway, the bare route and a probe Worker (bench/webhooks/probe-worker.js) run in one
Miniflare instance with in-memory local D1, Queues and Durable Objects; every request goes through
the same \`dispatchFetch\`, one at a time, in batches of ${a.batchSize} taken by turns (bare,
webhook, bare again, each probe; ${a.batches} rounds after 2 of warm-up). Figures are medians over
the batches of the time per request; the second copy of the bare route is the noise floor. CPU is
workerd's (all of its threads: the Workers, the Durable Objects, the local D1 and queues), from
/proc, summed over all batches. After each batch of webhooks the bench waits until the guard has
written every event it took to D1 (polling it every 5 ms), so that no batch's writes fall into the
next route's time; "until written" counts that wait too.

| | ms per request (median) | requests / s | workerd CPU ms per request |
| --- | --- | --- | --- |
| bare Hono route | ${ms(a.bareMs)} | ${Math.round(1000 / a.bareMs)} | ${ms(a.bareCpuMs)} |
| webhook | ${ms(a.webhookMs)} | ${Math.round(1000 / a.webhookMs)} | ${ms(a.webhookCpuMs)} |
| webhook, until its batch is written to D1 | ${ms(a.webhookWrittenMs)} | ${Math.round(1000 / a.webhookWrittenMs)} | |
| bare Hono route again | ${ms(a.bareAgainMs)} | ${Math.round(1000 / a.bareAgainMs)} | |

**Ratio (webhook requests/s ÷ bare route requests/s): ${a.ratio}** (the target is 0.5; the bare
route against itself: ${a.noiseRatio}, so on this run a ratio is good to about
±${Math.round(Math.abs(1 - a.noiseRatio) * 100)} %). A webhook takes ${extra.toFixed(2)} ms more than the bare route.

Where it goes: each probe route does one of the receiver's steps with the gateway's own functions
against the gateway's own bindings, after reading the body as the bare route does; its cost is its
median minus the bare route's.

| step | ms per request | ms more than the bare route | workerd CPU ms more |
| --- | --- | --- | --- |
${steps}

Differences at or below zero are within the noise, and each difference carries the noise of two
medians, so the steps need not add up exactly to the whole. Each step is measured on its own,
uncached; the receiver as deployed reads the integration and its secrets in one round trip and
then remembers them for WEBHOOK_CACHE_SECONDS, and is not counted by the client rate limit, so on a
sender's stream of deliveries it waits on one call only: \`take\`, the guard's dedupe that holds
the event in the same call (${more(step("take"))}; the dedupe alone, \`sight\`, ${more(step("sight"))}, the
rest is the guard's batched writes to D1 and the queue that run beside the answers). Before, the
receiver waited on the dedupe, then a D1 insert, and sent the job after the answer
(sight + insert + send: ${before.toFixed(2)} ms, against ${take.toFixed(2)} ms now). The steps the receiver
takes (config, integration, secrets, verify, take) add up to ${receiverSum.toFixed(2)} ms uncached, and
\`receiveWebhook\` as a whole takes ${more(receive?.extraMs)}; the rest of the ${extra.toFixed(2)} ms,
${more(extra - (receive?.extraMs ?? 0))}, is the app around it: the router, the request id and access log, the
security headers. The request's own computing (signature, JSON, envelope) comes to
${more(step("verify"))}. In Miniflare a Durable Object call is a second request inside the same
runtime, which is what a webhook pays for beyond the bare route: a receiver that answers only once
the event is durable cannot answer without one. The binding calls measured here (${ioNames}) come to ${ioMs.toFixed(2)} ms, about ${Math.round((ioCpu / ioMs) * 100)} % of it workerd CPU.

With ${a.concurrency} requests in flight the bare route answers ${a.concurrentBareRps} requests/s and
the webhook ${a.concurrentWebhookRps} (ratio ${(a.concurrentWebhookRps / a.concurrentBareRps).toFixed(2)}), which is what the workerd CPU per request (the
first table) allows on two cores shared with the client. All of them are one integration's, so
every one of them queues for the same guard, as a real sender's burst would; the guard then
writes them to D1 in larger batches.

In production the balance moves both ways (by reasoning, not measured here): the rate limiter
keeps its counters on the machine (no round trip), but the guard is a network round trip of
milliseconds (D1 and the queue follow in its batches, not before the answer), against a bare
route that answers in well under one. What the design asks is that nothing slow (no ERP, no
platform) waits before the answer; and the
${ms(a.webhookCpuMs)} ms of workerd CPU per webhook here include the emulated D1, guard and queue, which
in production run outside the Worker and are not its CPU time.

### Through \`wrangler dev\`

Requests per second over local HTTP, the gateway and the bare route each in its own
\`wrangler dev\` (its proxy in front of workerd, local state on disk, fresh, migrations applied;
the gateway from a copy of wrangler.toml without the queue consumers and with the client rate
limit raised, since one address sends everything), ${b.concurrency} requests in flight from one
Node client, batches of ${b.batchSize} by turns (bare, webhook; ${b.batches} rounds after one of
warm-up), medians of the batches' requests/s.

| | requests / s (median) |
| --- | --- |
| bare Hono route | ${b.bareRps} |
| webhook | ${b.webhookRps} |

**Ratio: ${b.ratio}.** The bare route's figure is \`wrangler dev\`'s local proxy (a few hundred
requests/s on this machine), not the Worker. The webhook's is bounded by its CPU: about
${ms(a.webhookCpuMs)} ms of workerd CPU per request in one workerd (above), here on two cores shared
with wrangler's proxy and the client, and with the local D1 and Durable Object writing to disk.
`;
}
