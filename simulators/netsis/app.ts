import { Hono } from "hono";
import type { SimEnv } from "../index.ts";

// Placeholder until the Netsis simulator lands.
export const netsisApp = new Hono<{ Bindings: SimEnv }>();
