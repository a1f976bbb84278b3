import { z } from "@hono/zod-openapi";
import { MerchantId } from "../auth/principal.ts";
import type { RegisteredConnector } from "../connectors/definition.ts";
import { connectorIds, listConnectors } from "../connectors/index.ts";
import { idPattern } from "../db/ids.ts";
import { INTEGRATION_STATUSES, INTEGRATION_TYPES } from "../db/schema.ts";
import { hiddenCharacterProblem } from "../http/plain-text.ts";
import { PageQuery } from "../openapi/schemas.ts";
import { acceptingSeedFields, Warning } from "./compat.ts";

export const IntegrationId = z
  .string()
  .regex(idPattern("int"), "must be an integration id like int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N")
  .openapi({ param: { name: "id", in: "path" }, example: "int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N" });

export const IntegrationParams = z.object({ id: IntegrationId });

/** A merchant-facing name: plain text, so it cannot reorder, hide or escape what is shown around it. */
const Name = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(120)
  .superRefine((name, ctx) => {
    const problem = hiddenCharacterProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ description: "Plain text: no control, bidirectional or zero-width characters" });

function createVariant(def: RegisteredConnector) {
  return z
    .object({
      merchantId: MerchantId.optional().openapi({
        description: "Owner. Required for admins; merchants may omit it (their own is used).",
        example: "merchant-123",
      }),
      name: Name.openapi({ example: "Main Store Logo ERP" }),
      type: z.enum(INTEGRATION_TYPES).default("polling"),
      status: z.enum(INTEGRATION_STATUSES).default("active"),
      connector: z.literal(def.id),
      credentials: acceptingSeedFields(def, "credentials"),
      // prefault: an omitted settings object still gets the connector's defaults filled in.
      settings: acceptingSeedFields(def, "settings").prefault({}),
    })
    .strict()
    .openapi(`Create${def.id[0]?.toUpperCase()}${def.id.slice(1)}Integration`);
}

/** `POST /api/integrations`: one shape per registered connector, chosen by `connector`. */
export const CreateIntegrationBody = z
  .discriminatedUnion(
    "connector",
    listConnectors().map(createVariant) as unknown as [
      ReturnType<typeof createVariant>,
      ...ReturnType<typeof createVariant>[],
    ],
    { error: (issue) => (issue.code === "invalid_union" ? `must be one of: ${connectorIds().join(", ")}` : undefined) },
  )
  .openapi("CreateIntegration");
export type CreateIntegrationInput = z.infer<typeof CreateIntegrationBody>;

/**
 * A PATCH's `settings` or `credentials`: any keys here, since the connector's schema judges the
 * merged result. Except `__proto__`: zod's record drops that key without a word, so a PATCH
 * carrying it answered 200 and changed nothing, while create's strict schemas refuse it. It
 * is refused here the same way ("is not a known field"); `constructor` and `prototype` stay
 * own keys through the merge and meet the connector's strict schema like any unknown field.
 */
const PatchFields = z.preprocess(
  (value, ctx) => {
    if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")) {
      ctx.addIssue({ code: "unrecognized_keys", keys: ["__proto__"], input: value as Record<string, unknown> });
    }
    return value;
  },
  z.record(z.string(), z.unknown()),
);

/** `PATCH`: settings and credentials are merged into what is stored (a `null` removes an
 * optional field), then the result is validated against the connector as a whole. */
export const UpdateIntegrationBody = z
  .object({
    name: Name.optional(),
    type: z.enum(INTEGRATION_TYPES).optional(),
    status: z.enum(INTEGRATION_STATUSES).optional(),
    settings: PatchFields.optional().openapi({ example: { syncInterval: 600_000 } }),
    credentials: PatchFields.optional().openapi({ example: { password: "n3w-s3cret" } }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "send at least one of: name, type, status, settings, credentials")
  .openapi("UpdateIntegration");
export type UpdateIntegrationInput = z.infer<typeof UpdateIntegrationBody>;

export const ListIntegrationsQuery = PageQuery.extend({
  merchantId: MerchantId.optional(),
  connector: z.string().max(32).optional(),
  status: z.enum(INTEGRATION_STATUSES).optional(),
  type: z.enum(INTEGRATION_TYPES).optional(),
});
export type ListIntegrationsFilter = z.infer<typeof ListIntegrationsQuery>;

/** An integration as the API shows it: credentials reduced to the names of the fields set. */
export const IntegrationView = z
  .object({
    id: z.string().openapi({ example: "int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N" }),
    merchantId: z.string(),
    name: z.string(),
    type: z.enum(INTEGRATION_TYPES),
    connector: z.string(),
    status: z.enum(INTEGRATION_STATUSES),
    settings: z.record(z.string(), z.unknown()),
    credentials: z.object({
      fieldsSet: z.array(z.string()).openapi({ example: ["endpoint", "firmNo", "password", "username"] }),
    }),
    nextSyncAt: z.iso
      .datetime()
      .nullable()
      .openapi({ description: "When the polling cron next syncs it; null for webhook-only" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Integration");
export type IntegrationView = z.infer<typeof IntegrationView>;

/** The answer to a create or change: the integration, and what the caller should know about the request. */
export const IntegrationSaved = IntegrationView.extend({
  warnings: z.array(Warning).openapi({
    description:
      "Fields accepted but not used by the connector (e.g. the seed API's apiKey for Logo), values the connector completed",
  }),
  webhookSecret: z.string().optional().openapi({
    description:
      "Only when the integration is created: the secret its webhook sender signs with (POST /webhooks/{id}). Shown this once; rotate it with POST /api/integrations/{id}/webhook/rotate-secret",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("IntegrationSaved");
