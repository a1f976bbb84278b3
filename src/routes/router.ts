import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { actorFromContext } from "../audit/record.ts";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { validationHook } from "../http/validation.ts";

/** A router whose zod validation failures all become the same 400 envelope. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** What the plain functions behind a handler need from the request: db, config, audit actor. */
export function depsOf(c: Context<AppEnv>) {
  return { db: getDb(c.env), config: c.get("config"), actor: actorFromContext(c) };
}
