import { z } from "@hono/zod-openapi";
import { baseSettings, endpointUrl, secretText } from "../settings.ts";

// The CSV connector's credentials and settings, apart from its definition so that the files
// that use their types do not import the definition, which imports them.

export const credentials = z
  .object({
    url: endpointUrl.optional().openapi({ example: "https://files.example.com/export/stock.csv" }),
    username: secretText(256).optional(),
    password: secretText().optional(),
    bearerToken: secretText(4096).optional(),
  })
  .strict()
  .refine((c) => (c.username === undefined) === (c.password === undefined), {
    message: "basic auth needs both username and password",
    path: ["password"],
  })
  .refine((c) => !(c.bearerToken && c.username), {
    message: "use either basic auth (username/password) or bearerToken, not both",
    path: ["bearerToken"],
  });

export const settings = baseSettings
  .extend({
    delimiter: z.enum(["auto", ",", ";", "\t"]).default("auto"),
    encoding: z.enum(["utf-8", "windows-1254"]).default("utf-8"),
    decimalSeparator: z.enum([".", ","]).default("."),
    hasHeader: z.boolean().default(true),
    // A file may hold part of a catalogue (a stock-only export, one upload of several), so a
    // row missing from it says nothing unless the merchant says the file is the whole catalogue.
    deletions: z.enum(["deactivate", "ignore"]).default("ignore"),
  })
  .strict();

export type CsvCredentials = z.output<typeof credentials>;
export type CsvSettings = z.output<typeof settings>;
