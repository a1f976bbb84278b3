import { z } from "zod";
import { seededRandom } from "../shared/random.ts";

export const PERMISSIONS = ["items", "stock", "prices", "orders"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const User = z
  .object({
    username: z.string().min(1),
    password: z.string(),
    permissions: z.array(z.enum(PERMISSIONS)),
  })
  .strict();

/** The body of `PUT /netsis/{tenant}/__sim/config`: the whole ERP, defaults for what is left out. */
export const ConfigSchema = z
  .object({
    items: z.number().int().min(0).max(999_999).default(50),
    branchCode: z.number().int().min(0).default(0),
    dbName: z.string().default("TESTDB"),
    dbUser: z.string().default("sa"),
    dbPassword: z.string().default("sa-pass"),
    dbType: z.enum(["MSSQL", "ORACLE"]).default("MSSQL"),
    users: z.array(User).default([{ username: "netsis", password: "netsis-pass", permissions: [...PERMISSIONS] }]),
    tokenTtlSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(3600),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    rateLimitNext: z.number().int().min(0).optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    failNext: z.number().int().min(0).optional(),
    /** 200 makes `failNext` a business error (IsSuccessful false) instead of an HTTP failure. */
    failStatus: z
      .number()
      .int()
      .refine((s) => s === 200 || (s >= 400 && s <= 599), "must be 200 or 400–599")
      .optional(),
    failMessage: z.string().optional(),
    malformedEvery: z.number().int().min(0).optional(),
  })
  // A misspelt setting would silently do nothing and make a test pass for the wrong reason.
  .strict();
export type SimConfig = z.infer<typeof ConfigSchema>;

export interface StoredSlip {
  FATIRS_NO: string;
  FatUst: Record<string, unknown>;
  Kalems: Record<string, unknown>[];
  /** When the simulator stored it. */
  KayitTarihi: string;
}

export interface Tenant {
  /** Parsed, with defaults; the fault counters count down in place. */
  config: SimConfig;
  /** Bearer token → who it belongs to and until when (ms). Permissions are read live from config. */
  tokens: Map<string, { username: string; expiresAt: number }>;
  slips: StoredSlip[];
  random: () => number;
  stats: { logins: number; failedLogins: number; requests: Record<string, number> };
}

// One simulator process holds every tenant; tests use fresh tenant ids to stay apart.
const tenants = new Map<string, Tenant>();

/** The tenant's ERP, created with the default configuration on first use. */
export function tenant(id: string): Tenant {
  let state = tenants.get(id);
  if (!state) {
    const config = ConfigSchema.parse({});
    state = {
      config,
      tokens: new Map(),
      slips: [],
      random: seededRandom(1),
      stats: { logins: 0, failedLogins: 0, requests: {} },
    };
    tenants.set(id, state);
  }
  return state;
}

/** The tenant if it exists, without creating it (reads must not leave traces). */
export const peekTenant = (id: string): Tenant | undefined => tenants.get(id);

/** Forgets a tenant's ERP: configuration, tokens, slips and counters. */
export const forgetTenant = (id: string): boolean => tenants.delete(id);

/** Puts a new configuration in force; tokens stay valid while their user exists. */
export function configure(state: Tenant, config: SimConfig): void {
  state.config = config;
  state.random = seededRandom(config.seed ?? 1);
}

/** The configured user with this name (case-insensitive, as Netsis treats user names). */
export function findUser(state: Tenant, username: string): SimConfig["users"][number] | undefined {
  const wanted = username.toLowerCase();
  return state.config.users.find((u) => u.username.toLowerCase() === wanted);
}
