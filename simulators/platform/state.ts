import type { Faults } from "./faults.ts";

/** The entities the platform takes batches of. */
export const ENTITIES = ["products", "inventory", "prices"] as const;
export type Entity = (typeof ENTITIES)[number];

export const isEntity = (value: string): value is Entity => (ENTITIES as readonly string[]).includes(value);

/** A record as sent; the platform keeps whatever fields it was given. */
export type Item = Record<string, unknown>;

export interface BatchResult {
  sku: string;
  status: "accepted" | "rejected";
  error?: string;
}

/** One line of `GET /__sim/merchants/{id}/requests`. */
export interface RequestLogEntry {
  entity: string;
  idempotencyKey: string | null;
  items: number;
  status: number;
  replayed: boolean;
  injected: boolean;
  at: string;
}

export interface MerchantState {
  /** Latest record per sku, and how many non-replayed accepted writes it has had. */
  records: Record<Entity, Map<string, { record: Item; writes: number }>>;
  /** Idempotency-Key → fingerprint of the request it first came with, and the results given then. */
  answers: Map<string, { fingerprint: string; results: BatchResult[] }>;
  faults: Faults;
  rejectSkus: Set<string>;
  /** Draws for `errorRate`, reseeded whenever the faults are set, so runs are reproducible. */
  random: () => number;
  requests: RequestLogEntry[];
}

// A long soak test must not grow the log without bound; the oldest lines go first.
const MAX_LOGGED_REQUESTS = 10_000;

// One simulator process holds every merchant; tests use fresh merchant ids to stay apart.
const merchants = new Map<string, MerchantState>();

/** The merchant's state, created empty on first use. */
export function merchant(id: string): MerchantState {
  let state = merchants.get(id);
  if (!state) {
    state = {
      records: { products: new Map(), inventory: new Map(), prices: new Map() },
      answers: new Map(),
      faults: {},
      rejectSkus: new Set(),
      random: Math.random,
      requests: [],
    };
    merchants.set(id, state);
  }
  return state;
}

/** The merchant's state if it has any, without creating it (reads must not leave traces). */
export const peekMerchant = (id: string): MerchantState | undefined => merchants.get(id);

/** Forgets everything about a merchant; true when there was something to forget. */
export const forgetMerchant = (id: string): boolean => merchants.delete(id);

/** Appends to the merchant's request log and returns the line, so its status can be filled in later. */
export function logRequest(state: MerchantState, entry: RequestLogEntry): RequestLogEntry {
  state.requests.push(entry);
  if (state.requests.length > MAX_LOGGED_REQUESTS)
    state.requests.splice(0, state.requests.length - MAX_LOGGED_REQUESTS);
  return entry;
}
