import { z } from "zod";

export const PERMISSIONS = ["items", "stock", "prices", "orders"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const User = z
  .object({ username: z.string().min(1), password: z.string(), permissions: z.array(z.enum(PERMISSIONS)) })
  .strict();
export type User = z.infer<typeof User>;

const count = () => z.number().int().min(0);

/** Every setting of one simulated ERP; `__sim/config` shows and patches it (see app.ts for each). */
const Config = z.object({
  items: count().max(1_000_000),
  firmNo: z.number().int().min(1).max(999),
  periodNo: z.number().int().min(1).max(99),
  users: z.array(User).min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  checkClient: z.boolean(),
  tokenTtlSeconds: z.number().int().min(1).max(86_400),
  defaultLimit: z.number().int().min(1).max(100_000),
  maxLimit: z.number().int().min(1).max(100_000),
  nextLink: z.enum(["object", "string"]),
  lastPageNext: z.enum(["null", "absent"]),
  /** An origin (`http://172.16.57.114:32001`) the list links carry instead of the one the client used; null for that one. */
  advertisedOrigin: z
    .string()
    .regex(/^https?:\/\/[^/?#]+$/, "an origin: scheme://host[:port], no path")
    .nullable(),
  unauthorized: z.enum(["bare", "message", "loginError"]),
  sql: z.boolean(),
  queriesPaging: z.enum(["none", "limit"]),
  queriesJoin: z.enum(["ok", "fail"]),
  numberMaxLength: z.number().int().min(1).max(64),
  orderCreatedStatus: z.union([z.literal(200), z.literal(201)]),
  expireTokensAfter: count(),
  latencyMs: count().max(120_000),
  errorRate: z.number().min(0).max(1),
  seed: z.number().int(),
  rateLimitNext: count(),
  retryAfterSeconds: count().max(86_400),
  failNext: count(),
  failStatus: z.number().int().min(400).max(599),
  malformedEvery: count(),
});
export type Config = z.infer<typeof Config>;

/** The body of `PUT __sim/config`: any of the settings; a misspelt one is refused, not ignored. */
export const ConfigPatch = Config.partial().strict();
export type ConfigPatch = z.infer<typeof ConfigPatch>;

export const defaults = (): Config => ({
  items: 50,
  firmNo: 1,
  periodNo: 1,
  users: [{ username: "logo", password: "logo-pass", permissions: [...PERMISSIONS] }],
  clientId: "LOGO",
  // L1: a secret is issued per partner licence, never "LOGO"; this one is the simulator's own.
  clientSecret: "c2ltdWxhdG9yLW9ubHktY2xpZW50LXNlY3JldA==",
  checkClient: false,
  tokenTtlSeconds: 119,
  defaultLimit: 10,
  maxLimit: 1000,
  nextLink: "object",
  lastPageNext: "null",
  advertisedOrigin: null,
  unauthorized: "bare",
  sql: false,
  queriesPaging: "none",
  queriesJoin: "ok",
  numberMaxLength: 16,
  orderCreatedStatus: 200,
  expireTokensAfter: 0,
  latencyMs: 0,
  errorRate: 0,
  seed: 1,
  rateLimitNext: 0,
  retryAfterSeconds: 1,
  failNext: 0,
  failStatus: 500,
  malformedEvery: 0,
});
