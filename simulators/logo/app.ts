import { Hono } from "hono";
import type { SimEnv } from "../index.ts";

// Placeholder until the Logo simulator lands.
export const logoApp = new Hono<{ Bindings: SimEnv }>();
