import { seededRandom } from "../shared/random.ts";
import { erpNow } from "./clock.ts";
import { type Config, type ConfigPatch, defaults, type User } from "./config.ts";

/** What `__sim` has done to an item since its generation: renames, moves, (de)activation. */
export interface ItemChange {
  /** Renames and reprices (`touch`): the name gets " (rev N)", the price N lira more. */
  version: number;
  /** ERP seconds the card, and its price rows, were last modified; absent: as generated. */
  cardAt?: number;
  pricesAt?: number;
  active?: 0 | 1;
}

export interface Session {
  username: string;
  expiresAt: number;
}

export interface Stats {
  logins: number;
  /** Data requests: every call under /api/v1 but /token. */
  requests: number;
  byEndpoint: Record<string, number>;
  /** The Host of every request that carried an Authorization header. */
  hosts: Record<string, number>;
}

export interface Tenant {
  id: string;
  config: Config;
  /** ERP seconds when the tenant was created: generated times lie before it. */
  epoch: number;
  changes: Map<number, ItemChange>;
  /** Items appended by `__sim/create`: reference → ERP seconds of creation. */
  created: Map<number, number>;
  deleted: Set<number>;
  /** Sales orders as stored, by INTERNAL_REFERENCE. */
  orders: Record<string, unknown>[];
  /** The last numbers handed out: order and line references, and the `~` numbering template. */
  sequences: { order: number; line: number; number: number };
  tokens: Map<string, Session>;
  /** Draws for `errorRate`, reseeded whenever the config is set, so runs are reproducible. */
  random: () => number;
  stats: Stats;
  /** Data derived from the above (reference lists, sort orders); dropped whenever it changes. */
  derived: Map<string, unknown>;
}

// One simulator process holds every tenant; tests use fresh tenant ids to stay apart.
const tenants = new Map<string, Tenant>();

/** The tenant's ERP, created with the defaults on first use. */
export function tenant(id: string): Tenant {
  let state = tenants.get(id);
  if (!state) {
    state = {
      id,
      config: defaults(),
      epoch: erpNow(),
      changes: new Map(),
      created: new Map(),
      deleted: new Set(),
      orders: [],
      // L1's sample order got INTERNAL_REFERENCE 735 and NUMBER 0000000000000775.
      sequences: { order: 734, line: 2108, number: 774 },
      tokens: new Map(),
      random: seededRandom(1),
      stats: { logins: 0, requests: 0, byEndpoint: {}, hosts: {} },
      derived: new Map(),
    };
    tenants.set(id, state);
  }
  return state;
}

export const forgetTenant = (id: string): boolean => tenants.delete(id);

/** Applies a config patch; derived data is dropped and the random draws reseeded. */
export function configure(state: Tenant, patch: ConfigPatch): void {
  state.config = { ...state.config, ...patch };
  state.random = seededRandom(state.config.seed);
  changed(state);
}

/** Call after any change to the data: sorted orders and reference lists are made again. */
export const changed = (state: Tenant): void => state.derived.clear();

export function derived<T>(state: Tenant, key: string, make: () => T): T {
  if (!state.derived.has(key)) state.derived.set(key, make());
  return state.derived.get(key) as T;
}

/** Logo user names are matched without case (silent: chosen); passwords exactly. */
export const findUser = (state: Tenant, username: string): User | undefined =>
  state.config.users.find((u) => u.username.toLowerCase() === username.toLowerCase());

export const count = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};
