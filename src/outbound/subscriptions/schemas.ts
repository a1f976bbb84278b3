import { z } from "@hono/zod-openapi";
import { MerchantId } from "../../auth/principal.ts";
import { SUBSCRIPTION_STATUSES, type SubscriptionRow } from "../../db/schema.ts";
import { PageQuery } from "../../openapi/schemas.ts";
import { ALL_EVENTS, OUTBOUND_EVENT_TYPES } from "../catalogue.ts";

/** Standard Webhooks: `whsec_` then base64 of 24 to 64 random bytes. */
function secretProblem(secret: string): string | null {
  const body = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret)?.[1];
  if (!body) return "must be 'whsec_' followed by base64";
  let bytes: number;
  try {
    bytes = atob(body).length;
  } catch {
    return "must be 'whsec_' followed by valid base64";
  }
  return bytes >= 24 && bytes <= 64 ? null : `must encode 24 to 64 bytes (this one encodes ${bytes})`;
}

const Secret = z
  .string()
  .max(200)
  .superRefine((s, ctx) => {
    const problem = secretProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    description:
      "A Standard Webhooks secret (`whsec_` + base64 of 24-64 random bytes); omitted, one is generated. Shown once, in this answer",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  });

const EventName = z.enum([ALL_EVENTS, ...OUTBOUND_EVENT_TYPES], {
  error: (issue) =>
    `'${String(issue.input)}' is not in the catalogue (${OUTBOUND_EVENT_TYPES.join(", ")}; or '*' for all)`,
});

/** Non-empty, from the catalogue; duplicates dropped and `*` alone when present. */
const Events = z
  .array(EventName)
  .min(1, "must list at least one event type (or '*')")
  .max(OUTBOUND_EVENT_TYPES.length + 1)
  .transform((events) => (events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(events)]))
  .openapi({
    description:
      'Event types from the catalogue (the document\'s `webhooks`), or `["*"]` for every type, present and future',
    example: ["inventory.changed", "price.changed"],
  });

const Url = z.string().max(2048).openapi({
  description: "https only; checked against the SSRF policy when saved and when sent",
  example: "https://hooks.example.com/gateway",
});

const Description = z.string().trim().max(500).openapi({ example: "Stock feed for the storefront" });

/** The seed's `POST /api/integrations/{id}/webhook/register`. */
export const RegisterSubscriptionBody = z
  .object({ url: Url, events: Events, secret: Secret.optional(), description: Description.optional() })
  .strict()
  .openapi("RegisterSubscription");

export const CreateSubscriptionBody = RegisterSubscriptionBody.extend({
  merchantId: MerchantId.optional().openapi({ description: "Required for admins; merchants create for themselves" }),
  integrationId: z
    .string()
    .max(64)
    .nullable()
    .optional()
    .openapi({ description: "One integration's events; null or omitted: every integration of the merchant" }),
})
  .strict()
  .openapi("CreateSubscription");

export const UpdateSubscriptionBody = z
  .object({ url: Url.optional(), events: Events.optional(), description: Description.nullable().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "change at least one of url, events, description")
  .openapi("UpdateSubscription");

export const RotateSubscriptionSecretBody = z
  .object({
    secret: Secret.optional(),
    overlapHours: z.number().int().min(0).max(168).default(24).openapi({
      description: "How long the secrets in force until now keep signing beside the new one (both signatures are sent)",
    }),
  })
  .strict()
  .openapi("RotateSubscriptionSecret");

export const ListSubscriptionsQuery = PageQuery.extend({
  merchantId: MerchantId.optional(),
  integrationId: z.string().max(64).optional(),
  status: z.enum(SUBSCRIPTION_STATUSES).optional(),
});
export type ListSubscriptionsFilter = z.infer<typeof ListSubscriptionsQuery>;

export const SubscriptionParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "sub_01JD3W8Z5Q6Y7X8V9T0S1R2P3N" }),
});

const Instant = z.iso.datetime();

/** A subscription as every answer shows it: never a secret. */
export const SubscriptionView = z
  .object({
    id: z.string(),
    merchantId: z.string(),
    integrationId: z.string().nullable().openapi({ description: "Null: every integration of the merchant" }),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    disabledReason: z.string().nullable(),
    disabledAt: Instant.nullable(),
    failingSince: Instant.nullable(),
    lastSuccessAt: Instant.nullable(),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("Subscription");
export type SubscriptionView = z.infer<typeof SubscriptionView>;

export const SubscriptionDetail = SubscriptionView.extend({
  secrets: z
    .array(z.object({ id: z.string(), createdAt: Instant, expiresAt: Instant.nullable() }))
    .openapi({ description: "The secrets that sign now, newest first (never their values)" }),
}).openapi("SubscriptionDetail");

/** The create and rotate answers: the only place a secret is ever shown. */
export const SubscriptionWithSecret = SubscriptionView.extend({
  secret: z.string().openapi({ description: "The signing secret, shown this once" }),
}).openapi("SubscriptionWithSecret");

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSubscriptionView(row: SubscriptionRow): SubscriptionView {
  return {
    id: row.id,
    merchantId: row.merchantId,
    integrationId: row.integrationId,
    url: row.url,
    events: row.events,
    description: row.description,
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    lastSuccessAt: iso(row.lastSuccessAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
