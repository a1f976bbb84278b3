import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { AppEnv } from "../env.ts";
import { AppError, type FieldIssue } from "./errors.ts";

const LOCATION: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
};

/**
 * Turns zod issues into `{ field, message }` pairs a human can act on: `credentials.firmNo:
 * is required` rather than zod's "expected string, received undefined".
 */
export function fieldIssues(error: ZodError, location?: string): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    const prefix = location && location !== "body" ? [location] : [];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: [...prefix, ...base, key].join("."), message: "is not a known field" }));
    }
    const message = /received undefined$/.test(issue.message) ? "is required" : issue.message;
    return [{ field: [...prefix, ...base].join(".") || (location ?? "body"), message }];
  });
}

/** The `defaultHook` of every OpenAPIHono router: a failed zod validation becomes a 400 envelope. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) throw AppError.validation(fieldIssues(result.error, LOCATION[result.target]));
};
