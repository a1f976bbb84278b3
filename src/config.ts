import { z } from "zod";
import { decodeKeyMaterial, importKeyring, type Keyring } from "./crypto/keyring.ts";
import { AppError } from "./http/errors.ts";
import { type LogLevel, parseLogLevel } from "./observability/logger.ts";

/** The gateway's validated configuration, built from `env` (vars + secrets). */
export interface Config {
  logLevel: LogLevel;
  platformApiUrl: string;
  notificationServiceUrl: string;
  jwt: { key: CryptoKey; issuer: string | undefined; audience: string | undefined; maxLifetimeSeconds: number };
  keyring: Keyring;
  /** Plain http:// to loopback hosts is allowed for outbound URLs (local development only). */
  allowLoopbackHttp: boolean;
  auditRetentionDays: number;
  platform: { baseUrl: string; token: string; batchSize: number };
  retry: { baseSeconds: number; capSeconds: number };
  maxUploadBytes: number;
  /** Largest incoming webhook body; beyond it the delivery is refused with 413. */
  maxWebhookBytes: number;
  /** How long an isolate remembers an integration's webhook receiver (row and secrets); 0: not at all. */
  webhookCacheSeconds: number;
  /** Outgoing webhooks: when a failing subscription is disabled; the retry schedule's scale (tests: 0). */
  outbound: { disableAfterHours: number; scheduleScale: number; ratePerSecond: number; logRetentionDays: number };
  /** Caps per merchant, so that one merchant can neither fill the database nor the queues. */
  limits: { integrationsPerMerchant: number; activeRunsPerMerchant: number };
  /** Scheduled health checks (src/health): how often, and how many per cron invocation. */
  health: { intervalMinutes: number; perRun: number };
  /** Alert rules' system-wide thresholds and how notifications are sent (src/alerts). */
  alerts: AlertsConfig;
}

/** The system-wide side of alerting; integrations may override thresholds in `settings.alerts`. */
export interface AlertsConfig {
  thresholds: {
    errorRate: number;
    responseTimeMs: number;
    queueSize: number;
    connectionFailures: number;
    freshnessP95Seconds: number;
    deliveryFailures: number;
  };
  /** The window error rate, freshness and delivery failures are measured over. */
  windowMinutes: number;
  repeatIntervalMs: number;
  perRun: number;
  /** Standard Webhooks secret (whsec_…) that signs notifications; unset: none is sent. */
  signingSecret: string | undefined;
  /** Where links in notifications point (generatorURL, externalURL); empty when unset. */
  externalUrl: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const KEY_HINT = "must be 32 random bytes as base64 or hex (generate one with: openssl rand -base64 32)";
const isKey = (v: string | undefined) => v === undefined || decodeKeyMaterial(v) !== null;

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const EnvSchema = z.object({
  JWT_SECRET: z
    .string({ error: "is missing" })
    .min(32, "must be at least 32 characters (generate one with: openssl rand -base64 48)"),
  ENCRYPTION_KEY: z.string({ error: "is missing" }).refine(isKey, KEY_HINT),
  // Set only while rotating: the key that sealed rows not yet re-encrypted.
  ENCRYPTION_KEY_PREVIOUS: optional.refine(isKey, KEY_HINT),
  PLATFORM_API_URL: z.url({ error: "must be an absolute URL" }),
  NOTIFICATION_SERVICE_URL: z.url({ error: "must be an absolute URL" }),
  JWT_ISSUER: optional,
  JWT_AUDIENCE: optional,
  // A token is valid for at most this long (exp - iat): a leaked long-lived token stays a risk.
  JWT_MAX_LIFETIME_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOG_LEVEL: z.string().optional(),
  ALLOW_LOOPBACK_HTTP: z.enum(["true", "false", ""]).optional(),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  PLATFORM_API_TOKEN: z.string({ error: "is missing" }).min(1, "is missing"),
  PLATFORM_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  SYNC_RETRY_BASE_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  SYNC_RETRY_CAP_SECONDS: z.coerce.number().int().min(0).max(43_200).default(900),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  WEBHOOK_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(256 * 1024),
  WEBHOOK_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  SUBSCRIPTION_DISABLE_AFTER_HOURS: z.coerce.number().int().min(1).max(2160).default(120),
  // Test-only in practice: 0 makes every scheduled retry immediate (the schedule has unit tests).
  DELIVERY_RETRY_SCALE: z.coerce.number().min(0).max(1).default(1),
  DELIVERY_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(10),
  DELIVERY_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  MAX_INTEGRATIONS_PER_MERCHANT: z.coerce.number().int().min(1).max(100_000).default(100),
  MAX_ACTIVE_RUNS_PER_MERCHANT: z.coerce.number().int().min(1).max(10_000).default(10),
  HEALTH_CHECK_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  HEALTH_CHECKS_PER_RUN: z.coerce.number().int().min(0).max(100).default(10),
  ALERT_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.05),
  ALERT_RESPONSE_TIME_MS: z.coerce.number().int().min(1).max(600_000).default(1000),
  ALERT_QUEUE_SIZE: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  ALERT_CONNECTION_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  ALERT_FRESHNESS_P95_SECONDS: z.coerce.number().int().min(1).max(604_800).default(900),
  ALERT_DELIVERY_FAILURES: z.coerce.number().int().min(1).max(1_000_000).default(5),
  ALERT_WINDOW_MINUTES: z.coerce.number().int().min(5).max(10_080).default(60),
  ALERT_REPEAT_INTERVAL_HOURS: z.coerce.number().int().min(1).max(168).default(4),
  ALERT_EVALUATIONS_PER_RUN: z.coerce.number().int().min(0).max(500).default(50),
  NOTIFICATION_SIGNING_SECRET: optional.refine(
    (v) => v === undefined || /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(v),
    "must be whsec_ + base64 of at least 24 random bytes (generate one with: echo whsec_$(openssl rand -base64 32))",
  ),
  ALERT_EXTERNAL_URL: optional.refine((v) => v === undefined || URL.canParse(v), "must be an absolute URL"),
});

// Parsing imports CryptoKeys (async), so it is done once per `env` object and remembered.
const cache = new WeakMap<object, Promise<ConfigResult>>();

/** Parses and validates the configuration; problems name the variable but never echo its value. */
export function loadConfig(env: Env): Promise<ConfigResult> {
  let result = cache.get(env);
  if (!result) {
    result = parse(env);
    cache.set(env, result);
  }
  return result;
}

/** The configuration, or a CONFIG_INVALID error naming what an operator has to fix. */
export async function requireConfig(env: Env): Promise<Config> {
  const result = await loadConfig(env);
  if (result.ok) return result.config;
  throw new AppError("CONFIG_INVALID", `The gateway is misconfigured: ${result.problems.join("; ")}`);
}

async function parse(env: Env): Promise<ConfigResult> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`) };
  }
  const e = parsed.data;
  const previous = e.ENCRYPTION_KEY_PREVIOUS ? decodeKeyMaterial(e.ENCRYPTION_KEY_PREVIOUS) : null;
  const keyring = await importKeyring(
    decodeKeyMaterial(e.ENCRYPTION_KEY) as Uint8Array<ArrayBuffer>,
    previous ?? undefined,
  );
  const jwtKey = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(e.JWT_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return {
    ok: true,
    config: {
      logLevel: parseLogLevel(e.LOG_LEVEL),
      platformApiUrl: e.PLATFORM_API_URL,
      notificationServiceUrl: e.NOTIFICATION_SERVICE_URL,
      jwt: {
        key: jwtKey,
        issuer: e.JWT_ISSUER,
        audience: e.JWT_AUDIENCE,
        maxLifetimeSeconds: e.JWT_MAX_LIFETIME_DAYS * 86_400,
      },
      keyring,
      allowLoopbackHttp: e.ALLOW_LOOPBACK_HTTP === "true",
      auditRetentionDays: e.AUDIT_RETENTION_DAYS,
      platform: {
        baseUrl: e.PLATFORM_API_URL.replace(/\/+$/, ""),
        token: e.PLATFORM_API_TOKEN,
        batchSize: e.PLATFORM_BATCH_SIZE,
      },
      retry: { baseSeconds: e.SYNC_RETRY_BASE_SECONDS, capSeconds: e.SYNC_RETRY_CAP_SECONDS },
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxWebhookBytes: e.WEBHOOK_MAX_BODY_BYTES,
      webhookCacheSeconds: e.WEBHOOK_CACHE_SECONDS,
      outbound: {
        disableAfterHours: e.SUBSCRIPTION_DISABLE_AFTER_HOURS,
        scheduleScale: e.DELIVERY_RETRY_SCALE,
        ratePerSecond: e.DELIVERY_RATE_PER_SECOND,
        logRetentionDays: e.DELIVERY_LOG_RETENTION_DAYS,
      },
      limits: {
        integrationsPerMerchant: e.MAX_INTEGRATIONS_PER_MERCHANT,
        activeRunsPerMerchant: e.MAX_ACTIVE_RUNS_PER_MERCHANT,
      },
      health: { intervalMinutes: e.HEALTH_CHECK_INTERVAL_MINUTES, perRun: e.HEALTH_CHECKS_PER_RUN },
      alerts: {
        thresholds: {
          errorRate: e.ALERT_ERROR_RATE,
          responseTimeMs: e.ALERT_RESPONSE_TIME_MS,
          queueSize: e.ALERT_QUEUE_SIZE,
          connectionFailures: e.ALERT_CONNECTION_FAILURES,
          freshnessP95Seconds: e.ALERT_FRESHNESS_P95_SECONDS,
          deliveryFailures: e.ALERT_DELIVERY_FAILURES,
        },
        windowMinutes: e.ALERT_WINDOW_MINUTES,
        repeatIntervalMs: e.ALERT_REPEAT_INTERVAL_HOURS * 3_600_000,
        perRun: e.ALERT_EVALUATIONS_PER_RUN,
        signingSecret: e.NOTIFICATION_SIGNING_SECRET,
        externalUrl: (e.ALERT_EXTERNAL_URL ?? "").replace(/\/+$/, ""),
      },
    },
  };
}
