import { z } from "zod";

export const PERMISSIONS = ["items", "stock", "prices", "orders"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const User = z
  .object({
    username: z.string().min(1),
    password: z.string(),
    permissions: z.array(z.enum(PERMISSIONS)),
  })
  .strict();

const count = () => z.number().int().min(0);

/**
 * The body of `PUT /netsis/{tenant}/__sim/config`: the whole ERP, defaults for what is left out.
 * app.ts says which public source (or which choice) each setting stands for.
 */
export const ConfigSchema = z
  .object({
    items: z.number().int().min(0).max(999_999).default(50),
    branchCode: count().default(0),
    /** The depots (DEPO_KODU) that exist; the first two hold generated stock. */
    depots: z.array(z.number().int().min(0)).min(1).default([1, 2]),
    dbName: z.string().default("TESTDB"),
    dbUser: z.string().default("sa"),
    dbPassword: z.string().default("sa-pass"),
    dbType: z.enum(["MSSQL", "ORACLE"]).default("MSSQL"),
    /** "crash": Netsis 9.0.67.0, where a login carrying `dbtype` at all dies with HTTP 500 (N3). */
    dbTypeParam: z.enum(["accepted", "crash"]).default("accepted"),
    users: z.array(User).default([{ username: "netsis", password: "netsis-pass", permissions: [...PERMISSIONS] }]),
    tokenTtlSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(3600),
    defaultLimit: z.number().int().min(1).max(100_000).default(50),
    maxLimit: z.number().int().min(1).max(100_000).default(1000),
    queriesShape: z.enum(["envelope", "rows", "table"]).default("envelope"),
    missingSlip: z.enum(["error", "empty", "404"]).default("error"),
    duplicateSlip: z.enum(["store", "refuse"]).default("store"),
    /** Whether a slip line may name a locked item (`Kilit`, or `SatisKilit` on a sales document). */
    lockedItems: z.enum(["refuse", "accept"]).default("refuse"),
    /** After this many more data requests with a valid token, every issued token stops working. */
    expireTokensAfter: count().optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    rateLimitNext: count().optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    failNext: count().optional(),
    /** 200 makes `failNext` a business error (IsSuccessful false) instead of an HTTP failure. */
    failStatus: z
      .number()
      .int()
      .refine((s) => s === 200 || (s >= 400 && s <= 599), "must be 200 or 400–599")
      .optional(),
    failMessage: z.string().optional(),
    malformedEvery: count().optional(),
  })
  // A misspelt setting would silently do nothing and make a test pass for the wrong reason.
  .strict();
export type SimConfig = z.infer<typeof ConfigSchema>;
export type SimUser = SimConfig["users"][number];
