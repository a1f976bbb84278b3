import { Hono } from "hono";
import type { SimEnv } from "../index.ts";

// Placeholder until the file host simulator lands.
export const filesApp = new Hono<{ Bindings: SimEnv }>();
