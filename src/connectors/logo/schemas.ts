import { z } from "@hono/zod-openapi";
import { baseSettings, endpointUrl, orderSettings, secretText, wholeNumber } from "../settings.ts";

// The Logo connector's credentials and settings, apart from its definition so that the files
// that use their types do not import the definition, which imports them.

export const credentials = z
  .object({
    endpoint: endpointUrl.openapi({
      description: "The Logo Objects REST service; `https://host:port`, `…/api` and `…/api/v1` all reach `/api/v1`",
      example: "https://erp.example.com/api/v1",
    }),
    username: secretText(256),
    password: secretText(),
    firmNo: wholeNumber(1, 9999).openapi({ description: 'Logo firm number (firmno): 1 or "001"', example: 1 }),
    clientId: secretText(256).optional().openapi({ description: "The REST client id Logo issues per partner licence" }),
    clientSecret: secretText().optional(),
  })
  .strict()
  .refine((c) => (c.clientId === undefined) === (c.clientSecret === undefined), {
    message: "clientId and clientSecret go together",
    path: ["clientSecret"],
  });

export const settings = baseSettings
  .extend({
    periodNo: z.number().int().min(1).max(99).default(1).openapi({ description: "Logo period number" }),
    warehouseNo: z.number().int().min(-1).default(-1).openapi({ description: "INVENNO; -1 is all warehouses" }),
    priceListCode: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Use only price cards of this group code (GRPCODE)" }),
    currency: z.string().length(3).default("TRY").openapi({ description: "The currency orders are written in" }),
    cardTypes: z.array(z.number().int().min(0).max(99)).min(1).optional().openapi({
      description:
        "CARD_TYPEs that are catalogue items (1 trading goods, 12 products…); default: all but material classes 20–22",
    }),
    incrementalOverlapSeconds: z.number().int().min(0).max(86_400).default(60).openapi({
      description: "An incremental items read starts this long before the last one ended (late commits, same second)",
    }),
    completeReadEveryHours: z.number().int().min(1).max(720).default(24).openapi({
      description:
        "Scheduled syncs read only changed items, but read every item at least this often: only a complete read sees that an item is gone",
    }),
    ...orderSettings,
  })
  .strict();

export type LogoCredentials = z.output<typeof credentials>;
export type LogoSettings = z.output<typeof settings>;
