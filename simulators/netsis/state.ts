import { seededRandom } from "../shared/random.ts";
import { ConfigSchema, type SimConfig, type SimUser } from "./config.ts";

export { PERMISSIONS, type Permission, type SimConfig } from "./config.ts";

/** A slip as NetOpenX stores it: the ItemSlips record (N1) as it is served back. */
export interface StoredSlip {
  FaturaTip: number;
  FATIRS_NO: string;
  CariKod: string;
  /** The ItemSlips record: FaturaTip, FatUst, Kalems, KalemAdedi and the flags the client sent. */
  record: Record<string, unknown> & { FatUst: Record<string, unknown>; Kalems: Record<string, unknown>[] };
  /** When the simulator stored it (ISO). */
  storedAt: string;
}

/** What the tenant's slips did to one item's balance in one depot (TBLSTOKPH, N1 ItemBalances). */
export interface Movement {
  giris: number;
  cikis: number;
  /** Open customer orders (MUS_TOP_SIPARIS) and supplier orders (SAT_TOP_SIPARIS). */
  musSiparis: number;
  satSiparis: number;
}

export type LockField = "Kilit" | "SatisKilit";

export interface Tenant {
  /** Parsed, with defaults; the fault counters count down in place. */
  config: SimConfig;
  /** Bearer token → who it belongs to and until when (ms). Rights are read live from config. */
  tokens: Map<string, { username: string; expiresAt: number }>;
  /** Refresh token → user; one use each. */
  refreshTokens: Map<string, string>;
  slips: StoredSlip[];
  /** Indexes of items removed with `POST __sim/delete`. */
  deleted: Set<number>;
  /** Per item index, the lock fields set with `POST __sim/lock`. */
  locks: Map<number, Partial<Record<LockField, "E" | "H">>>;
  /** `"<index>:<depot>"` → movement since the generated balance. */
  movements: Map<string, Movement>;
  /** Item orders by sort column, built on demand and dropped when the catalogue changes. */
  orders: Map<string, Int32Array>;
  random: () => number;
  stats: {
    logins: number;
    failedLogins: number;
    requests: Record<string, number>;
    hosts: Record<string, number>;
  };
}

// One simulator process holds every tenant; tests use fresh tenant ids to stay apart.
const tenants = new Map<string, Tenant>();

/** The tenant's ERP, created with the default configuration on first use. */
export function tenant(id: string): Tenant {
  let state = tenants.get(id);
  if (!state) {
    state = {
      config: ConfigSchema.parse({}),
      tokens: new Map(),
      refreshTokens: new Map(),
      slips: [],
      deleted: new Set(),
      locks: new Map(),
      movements: new Map(),
      orders: new Map(),
      random: seededRandom(1),
      stats: { logins: 0, failedLogins: 0, requests: {}, hosts: {} },
    };
    tenants.set(id, state);
  }
  return state;
}

/** The tenant if it exists, without creating it (reads must not leave traces). */
export const peekTenant = (id: string): Tenant | undefined => tenants.get(id);

/** Forgets a tenant's ERP: configuration, tokens, slips, deletions, locks and counters. */
export const forgetTenant = (id: string): boolean => tenants.delete(id);

/** Puts a new configuration in force; tokens stay valid while their user exists. */
export function configure(state: Tenant, config: SimConfig): void {
  // Any setting may change what the items look like (items, malformedEvery, branchCode).
  state.orders.clear();
  state.config = config;
  state.random = seededRandom(config.seed ?? 1);
}

/** The configured user with this name (case-insensitive, as Netsis treats user names). */
export function findUser(state: Tenant, username: string): SimUser | undefined {
  const wanted = username.toLowerCase();
  return state.config.users.find((u) => u.username.toLowerCase() === wanted);
}

/** Counts one request from this Host (every request that carries a token or credentials). */
export function countHost(state: Tenant, url: string): void {
  const host = new URL(url).host;
  state.stats.hosts[host] = (state.stats.hosts[host] ?? 0) + 1;
}
