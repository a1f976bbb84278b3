import { z } from "zod";
import { seededRandom } from "../shared/random.ts";

export const PERMISSIONS = ["items", "stock", "prices", "orders"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const User = z
  .object({ username: z.string().min(1), password: z.string(), permissions: z.array(z.enum(PERMISSIONS)) })
  .strict();

/** The body of `PUT /logo/{tenant}/__sim/config`: the fields given replace those in force, the rest stay. */
export const ConfigPatch = z
  .object({
    items: z.number().int().min(0).max(1_000_000).optional(),
    firmNo: z.number().int().min(1).max(999).optional(),
    periodNo: z.number().int().min(1).max(99).optional(),
    users: z.array(User).min(1).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    tokenTtlSeconds: z.number().int().min(1).max(86_400).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    rateLimitNext: z.number().int().min(0).optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    failNext: z.number().int().min(0).optional(),
    failStatus: z.number().int().min(400).max(599).optional(),
    malformedEvery: z.number().int().min(0).optional(),
  })
  // A misspelt option would silently do nothing and make a test pass for the wrong reason.
  .strict();
export type ConfigPatch = z.infer<typeof ConfigPatch>;

/** The config in force: the defaults with every patch applied. */
export type Config = ConfigPatch & {
  items: number;
  firmNo: number;
  periodNo: number;
  users: User[];
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
};

export type User = z.infer<typeof User>;

export interface Order {
  INTERNAL_REFERENCE: number;
  NUMBER: string;
  ARP_CODE: string;
  DATE: string;
  TRANSACTIONS: { items: Record<string, unknown>[] };
  /** ERP-local time it was written, `YYYY-MM-DDTHH:MM:SS`. */
  CREATED_AT: string;
}

export interface Tenant {
  config: Config;
  /** ERP-local seconds when the tenant was created: base change times lie in the week before. */
  epoch: number;
  /** Items changed through `__sim/touch`: when, and how many times. */
  touches: Map<number, { at: number; version: number }>;
  orders: Order[];
  tokens: Map<string, { username: string; expiresAt: number }>;
  /** Draws for `errorRate`, reseeded whenever the config is set, so runs are reproducible. */
  random: () => number;
  stats: { logins: number; requests: number };
  /** Sorted row orders per (table, sort) — cleared whenever the data changes. */
  sorted: Map<string, Int32Array>;
}

const defaults = (): Config => ({
  items: 50,
  firmNo: 1,
  periodNo: 1,
  users: [{ username: "logo", password: "logo-pass", permissions: [...PERMISSIONS] }],
  clientId: "LOGO",
  clientSecret: "LOGO",
  tokenTtlSeconds: 3600,
});

// One simulator process holds every tenant; tests use fresh tenant ids to stay apart.
const tenants = new Map<string, Tenant>();

/** The tenant's ERP, created with the defaults on first use. */
export function tenant(id: string): Tenant {
  let state = tenants.get(id);
  if (!state) {
    state = {
      config: defaults(),
      epoch: erpNow(),
      touches: new Map(),
      orders: [],
      tokens: new Map(),
      random: seededRandom(1),
      stats: { logins: 0, requests: 0 },
      sorted: new Map(),
    };
    tenants.set(id, state);
  }
  return state;
}

export const forgetTenant = (id: string): boolean => tenants.delete(id);

/** Applies a config patch; the data caches are dropped and the random draws reseeded. */
export function configure(state: Tenant, patch: ConfigPatch): void {
  state.config = { ...state.config, ...patch };
  state.random = seededRandom(state.config.seed ?? 1);
  state.sorted.clear();
}

export const findUser = (state: Tenant, username: string): User | undefined =>
  state.config.users.find((u) => u.username === username);

// Logo keeps local time without a zone; Turkey has been on UTC+3 all year since 2016.
const ERP_OFFSET_SECONDS = 3 * 3600;

/** The ERP's clock: seconds since the epoch of its local (zone-less) time. */
export const erpNow = (): number => Math.floor(Date.now() / 1000) + ERP_OFFSET_SECONDS;

/** ERP-local seconds as `YYYY-MM-DDTHH:MM:SS`. */
export const formatTime = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 19);

/** `YYYY-MM-DDTHH:MM:SS` as ERP-local seconds; undefined when it is no such time. */
export function parseTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}Z`);
  return Number.isNaN(ms) || formatTime(ms / 1000) !== text ? undefined : ms / 1000;
}
