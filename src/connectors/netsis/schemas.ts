import { z } from "@hono/zod-openapi";
import { baseSettings, endpointUrl, orderSettings, secretText, wholeNumber } from "../settings.ts";

// The Netsis connector's credentials and settings, apart from its definition so that the files
// that use their types do not import the definition, which imports them.

export const credentials = z
  .object({
    endpoint: endpointUrl.openapi({ example: "https://netsis.example.com/api/v2" }),
    username: secretText(256),
    password: secretText(),
    branchCode: wholeNumber(0, 9999).openapi({ description: "Sube_Kodu", example: 0 }),
    dbName: z.string().min(1).max(128),
    dbUser: secretText(256),
    dbPassword: secretText(),
    dbType: z.enum(["MSSQL", "ORACLE"]).optional().openapi({
      description:
        "The company database's type, sent at login as JNVTTipi (MSSQL 0, Oracle 2). Leave it out for servers that take it from their own settings (Netsis 9.0.67.0 fails when it is sent); SQL is written for MSSQL unless it says ORACLE",
    }),
  })
  .strict();

export const settings = baseSettings
  .extend({
    warehouseCode: wholeNumber(0, 99_999)
      .optional()
      .openapi({ description: "DEPO_KODU: stock of this depot, orders into it; stock of all depots when omitted" }),
    currency: z.string().length(3).default("TRY").openapi({ description: "The currency orders are written in" }),
    ...orderSettings,
  })
  .strict();

export type NetsisCredentials = z.output<typeof credentials>;
export type NetsisSettings = z.output<typeof settings>;
