/**
 * Part C of `npm run bench`, in-process: what an incoming webhook costs (POST /webhooks/{id}:
 * body read within its limit, signature verified, dedupe through the integration's guard, the
 * event inserted into D1 and queued, 202) against a bare Hono route in the same workerd, and
 * where the difference goes.
 *
 * One Miniflare instance holds the built gateway, the simulators, the bare route
 * (bench/webhooks/bare-worker.ts) and a probe Worker (bench/webhooks/probe-worker.ts) that does
 * one of the receiver's steps per route against the gateway's own D1, guard, queue and limiter.
 * Every request goes through the same `dispatchFetch` (routed by host name), one at a time, in
 * batches taken by turns (bare, webhook, bare again, each probe; then again); the first two
 * rounds warm up. Figures are medians over the batches of the per-request time; the second bare
 * route shows the noise floor. The queue consumers are off, so that the events' processing
 * (which production runs in other invocations) does not share the cores with the receiver.
 */
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { root } from "../scripts/lib/dev-vars.ts";
import { SECRETS, startWorld } from "./end-to-end.ts";
import { buildBenchWorker } from "./webhooks/build.ts";
import { workerdCpuMs } from "./webhooks/cpu.ts";
import { expectAccepted, median, round, signedDeliveries } from "./webhooks/deliveries.ts";

export interface InProcessFigures {
  batches: number;
  batchSize: number;
  /** Median ms per request: the bare route, the webhook, the bare route again (noise floor). */
  bareMs: number;
  webhookMs: number;
  /** Median ms per webhook until its batch is written to D1 too (the answers, then the guard's last write). */
  webhookWrittenMs: number;
  bareAgainMs: number;
  /** Webhook requests/s ÷ bare route requests/s (= bare ms ÷ webhook ms). */
  ratio: number;
  noiseRatio: number;
  /** workerd's CPU ms per request (all its threads: Workers, Durable Objects, local D1 and queues), over every batch. */
  bareCpuMs: number | null;
  webhookCpuMs: number | null;
  /** Requests/s with CONCURRENCY requests in flight (medians of rounds by turns): where the throughput ends. */
  concurrency: number;
  concurrentBareRps: number;
  concurrentWebhookRps: number;
  /** The receiver's steps one by one: median ms per request, minus the bare route's; CPU likewise. */
  steps: { step: string; ms: number; extraMs: number; cpuMs: number | null; extraCpuMs: number | null }[];
}

/** The probe's routes (bench/webhooks/probe-worker.ts), in the order the receiver takes them. */
const STEPS = ["limit", "config", "integration", "secrets", "verify", "sight", "take", "insert", "send", "receive"];
/** The routes after which the guard writes what it took to D1: each batch waits for that to end. */
const HOLDING = new Set(["webhook", "take", "receive"]);
const CONCURRENCY = 8;
const COMPAT = { compatibilityDate: "2026-11-01", compatibilityFlags: ["nodejs_compat"] };

export async function measureWebhooksInProcess(
  gatewayScript: string,
  simsScript: string,
  options: { rounds?: number; batch?: number } = {},
): Promise<InProcessFigures> {
  // Many short batches rather than a few long ones: a burst of load from outside then spoils a
  // batch or two of each route, which the medians leave out.
  const rounds = options.rounds ?? 20;
  const batch = options.batch ?? 50;
  const { workerOptions: gateway } = unstable_getMiniflareWorkerOptions(`${root}wrangler.toml`);
  const bare = {
    name: "bare",
    modules: true,
    scriptPath: buildBenchWorker("bare-worker"),
    ...COMPAT,
    routes: ["bare.bench/*"],
  };
  const probe = {
    name: "probe",
    modules: true,
    scriptPath: buildBenchWorker("probe-worker"),
    ...COMPAT,
    routes: ["probe.bench/*"],
    bindings: { ...(gateway.bindings as Record<string, unknown>), ...SECRETS, LOG_LEVEL: "error" },
    d1Databases: gateway.d1Databases,
    queueProducers: gateway.queueProducers,
    durableObjects: { INTEGRATION_GUARD: { className: "IntegrationGuard", scriptName: "gateway", useSQLite: true } },
    ratelimits: { CLIENT_RATE_LIMIT: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } } },
  };
  const world = await startWorld(gatewayScript, simsScript, { queueConsumers: {} }, [bare, probe]);
  try {
    const created = await world.call("POST", "/api/integrations", {
      merchantId: "bench-webhooks",
      name: "webhooks",
      type: "webhook",
      connector: "csv",
      credentials: {},
    });
    const id: string = created.id;
    const secret: string = created.webhookSecret;
    const post = (url: string) => async () => {
      for (const d of signedDeliveries(secret, batch)) {
        const began = performance.now();
        await expectAccepted(await world.mf.dispatchFetch(url, { method: "POST", ...d }), url);
        spent += performance.now() - began;
      }
    };
    let spent = 0;
    // Until the guard has written everything it took: polled, timed apart from the answers.
    const drain = async () => {
      const began = performance.now();
      for (;;) {
        const res = await world.mf.dispatchFetch(`http://probe.bench/probe/held/${id}`);
        const { held } = (await res.json()) as { held: number };
        if (held === 0) return performance.now() - began;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const drained: number[] = [];
    const targets: Record<string, () => Promise<void>> = {
      bare: post(`http://bare.bench/bare/${id}`),
      webhook: post(`http://gateway.bench/webhooks/${id}`),
      "bare again": post(`http://bare.bench/bare/${id}`),
      ...Object.fromEntries(STEPS.map((s) => [s, post(`http://probe.bench/probe/${s}/${id}`)])),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
    const cpu: Record<string, number> = Object.fromEntries(Object.keys(targets).map((k) => [k, 0]));
    for (let r = 0; r < rounds + 2; r++) {
      for (const [name, run] of Object.entries(targets)) {
        spent = 0;
        const cpuBefore = workerdCpuMs();
        await run();
        const drainMs = HOLDING.has(name) ? await drain() : 0;
        const cpuAfter = workerdCpuMs();
        if (r < 2) continue;
        times[name]?.push(spent / batch);
        if (name === "webhook") drained.push((spent + drainMs) / batch);
        cpu[name] = (cpu[name] ?? 0) + (cpuAfter ?? 0) - (cpuBefore ?? 0);
      }
    }
    // Then the same two routes with several requests in flight, which only CPU (or a queue) limits.
    const concurrent: Record<"bare" | "webhook", number[]> = { bare: [], webhook: [] };
    for (let r = 0; r < 4; r++) {
      for (const name of ["bare", "webhook"] as const) {
        const url = name === "bare" ? `http://bare.bench/bare/${id}` : `http://gateway.bench/webhooks/${id}`;
        const deliveries = signedDeliveries(secret, 200);
        let next = 0;
        const began = performance.now();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            for (let d = deliveries[next++]; d; d = deliveries[next++]) {
              await expectAccepted(await world.mf.dispatchFetch(url, { method: "POST", ...d }), url);
            }
          }),
        );
        // Written, not only answered: the guard's writes to D1 are part of the throughput.
        if (name === "webhook") await drain();
        if (r > 0) concurrent[name].push(deliveries.length / ((performance.now() - began) / 1000));
      }
    }
    const m = (name: string) => median(times[name] ?? []);
    const measuredCpu = workerdCpuMs() !== null;
    const c = (name: string) => (measuredCpu ? round((cpu[name] ?? 0) / (rounds * batch)) : null);
    const bareMs = m("bare");
    const bareCpu = c("bare");
    return {
      batches: rounds,
      batchSize: batch,
      bareMs: round(bareMs),
      webhookMs: round(m("webhook")),
      webhookWrittenMs: round(median(drained)),
      bareAgainMs: round(m("bare again")),
      ratio: round(bareMs / m("webhook")),
      noiseRatio: round(bareMs / m("bare again")),
      concurrency: CONCURRENCY,
      concurrentBareRps: Math.round(median(concurrent.bare)),
      concurrentWebhookRps: Math.round(median(concurrent.webhook)),
      bareCpuMs: bareCpu,
      webhookCpuMs: c("webhook"),
      steps: STEPS.map((step) => {
        const stepCpu = c(step);
        return {
          step,
          ms: round(m(step)),
          extraMs: round(m(step) - bareMs),
          cpuMs: stepCpu,
          extraCpuMs: stepCpu === null || bareCpu === null ? null : round(stepCpu - bareCpu),
        };
      }),
    };
  } finally {
    await world.mf.dispose();
  }
}
