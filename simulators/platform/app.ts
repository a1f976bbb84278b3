import { Hono } from "hono";
import type { SimEnv } from "../index.ts";

// Placeholder until the platform simulator lands.
export const platformApp = new Hono<{ Bindings: SimEnv }>();
