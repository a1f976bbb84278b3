import { expect } from "vitest";
import type { Capture } from "../../simulators/redirects/app.ts";
import { api } from "./api.ts";
import { admin } from "./auth.ts";
import { eventually } from "./eventually.ts";

/** The simulators as the tests reach them (every outbound fetch is routed to them). */
export const SIMS = "https://sims.test";

/** Stores a file on the file-host simulator and returns its URL. */
export async function putFile(
  name: string,
  content: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${SIMS}/files/${encodeURIComponent(name)}`, { method: "PUT", body: content, headers });
  expect(res.status).toBe(200);
  return `${SIMS}/files/${encodeURIComponent(name)}`;
}

/** What the platform simulator holds for a merchant's entity. */
export async function platformRecords(merchantId: string, entity: string) {
  const res = await fetch(`${SIMS}/platform/__sim/merchants/${encodeURIComponent(merchantId)}/${entity}`);
  return (await res.json()) as { count: number; items: Record<string, unknown>[]; writes: Record<string, number> };
}

/** Every batch request the platform simulator received for a merchant. */
export async function platformRequests(merchantId: string) {
  const res = await fetch(`${SIMS}/platform/__sim/merchants/${encodeURIComponent(merchantId)}/requests`);
  return (await res.json()) as {
    count: number;
    requests: {
      entity: string;
      idempotencyKey: string;
      items: number;
      status: number;
      replayed: boolean;
      injected: boolean;
    }[];
  };
}

/** Replaces the platform simulator's faults for one merchant. */
export async function setPlatformFaults(merchantId: string, faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${SIMS}/platform/__sim/merchants/${encodeURIComponent(merchantId)}/faults`, {
    method: "PUT",
    body: JSON.stringify(faults),
    headers: { "content-type": "application/json" },
  });
  expect(res.status).toBe(200);
}

export interface RunBody {
  id: string;
  status: string;
  progress: {
    pagesDone: number;
    itemsRead: number;
    itemsChanged: number;
    itemsPushed: number;
    itemsRejected: number;
    platformRequests: number;
    itemsDeactivated: number;
  };
  notes: string[];
  rejectedSample: {
    entity: string | null;
    key: string | null;
    field: string | null;
    reason: string;
    page: number;
    row: number | null;
  }[];
  lastError: string | null;
  attempts: number;
}

/** Polls a run until it leaves queued/running (the real queue delivers its pages meanwhile). */
export async function waitForRun(
  runId: string,
  options: { timeoutMs?: number; until?: string[] } = {},
): Promise<RunBody> {
  const token = await admin();
  const until = options.until ?? ["succeeded", "partial", "failed", "dead"];
  let last: RunBody | undefined;
  return eventually(
    async () => {
      const res = await api<{ data: RunBody }>("GET", `/api/runs/${runId}`, { token });
      expect(res.status).toBe(200);
      last = res.body.data;
      return until.includes(last.status) && last;
    },
    {
      timeout: options.timeoutMs ?? 20_000,
      message: () => `run ${runId} still ${last?.status}: ${JSON.stringify(last)}`,
    },
  );
}

/**
 * A URL on `origin` that answers `status` with `Location: to` (simulators/redirects). `origin`
 * may be any host: every fetch reaches the simulators, so another host stands for another server.
 */
export const redirectUrl = (to: string, options: { status?: number; origin?: string } = {}) =>
  `${options.origin ?? SIMS}/redirects/${options.status ?? 302}?to=${encodeURIComponent(to)}`;

/** A URL on `origin` that notes every request reaching it under `key` (see `captured`). */
export const captureUrl = (key: string, origin: string) => `${origin}/redirects/capture/${encodeURIComponent(key)}`;

/** What reached `captureUrl(key, ...)`: host, method and whether credentials came along. */
export async function captured(key: string) {
  const res = await fetch(`${SIMS}/redirects/__sim/captures/${encodeURIComponent(key)}`);
  return (await res.json()) as { count: number; requests: Capture[] };
}
