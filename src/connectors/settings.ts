import { z } from "@hono/zod-openapi";
import { alertSettings } from "../alerts/settings.ts";
import { guardSettings } from "../guard/settings.ts";
import { healthCheckSettings } from "../health/settings.ts";
import { webhookSettings } from "../inbound/settings.ts";
import { LONG_ORDER_NUMBERS } from "../orders/document-number.ts";

/**
 * How the gateway reads a connector: when (syncInterval), how much per queue message (pageSize)
 * and what a complete read says about items missing from it (deletions). A connector may change
 * a default (the CSV connector ignores deletions unless told the file is the whole catalogue).
 */
const readSettings = z.object({
  syncInterval: z
    .number()
    .int()
    .min(60_000, "must be at least 60000 (one minute)")
    .max(86_400_000, "must be at most 86400000 (one day)")
    .default(300_000)
    .openapi({ description: "Polling interval in milliseconds", example: 300_000 }),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(2000)
    .default(500)
    .openapi({ description: "Source rows per queue message; one page is one Worker invocation" }),
  deletions: z.enum(["deactivate", "ignore"]).default("deactivate").openapi({
    description:
      "An item deleted in the source, or missing from a complete read of it, becomes inactive on the platform (stock 0), once; `ignore` leaves the platform as it is",
  }),
  deletionsMaxPercent: z.number().int().min(1).max(100).default(50).openapi({
    description:
      "A complete read that finds more than this share of the known items gone deletes none of them and says so in the run's notes (a wrong firm or filter looks like an emptied catalogue)",
  }),
});

/**
 * Settings every connector has: how it is read, its guard's (src/guard/settings.ts), how its
 * incoming webhooks are verified and mapped (`webhook`, src/inbound/settings.ts), and its health
 * check and alert thresholds (src/health/settings.ts, src/alerts/settings.ts).
 */
export const baseSettings = readSettings
  .extend(guardSettings.shape)
  .extend({ webhook: webhookSettings.prefault({}) })
  // Optional, not defaulted: settings saved before alerts existed read the system-wide values.
  .extend(healthCheckSettings.shape)
  .extend({ alerts: alertSettings.optional() });

/** Settings of connectors that write orders into an ERP. */
export const orderSettings = {
  longOrderNumbers: z.enum(LONG_ORDER_NUMBERS).default("map").openapi({
    description:
      "A platform order number longer than the ERP's document number field: `map` gives it a deterministic number that fits (shown as the order's erpDocumentNumber), `refuse` answers 400",
  }),
};

/** An http(s) URL; the SSRF policy (src/net/outbound-url.ts) is applied on top when saving. */
export const endpointUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * A whole number from `min` to `max`, also when written as digits in a string (`"001"`): ERP
 * numbers such as firms and branches are often copied from screens that pad them.
 */
export const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^\s*-?\d{1,9}\s*$/.test(v) ? Number(v) : v),
    z
      .number({
        error: (issue) => (issue.input === undefined ? undefined : `must be a whole number from ${min} to ${max}`),
      })
      .int(`must be a whole number from ${min} to ${max}`)
      .min(min)
      .max(max),
  );

/** A non-empty string that does not start or end with spaces (copy-paste accidents). */
export const secretText = (max = 512) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(max)
    .refine((v) => v.trim() === v, "must not start or end with spaces");
