import { Hono } from "hono";
import { filesApp } from "./files/app.ts";
import { platformApp } from "./platform/app.ts";

/**
 * The local world the gateway talks to, as one Worker: each simulator under its own path
 * prefix. `npm run dev` serves it on http://127.0.0.1:8790; in tests it is the outbound
 * service, so every fetch the gateway makes lands here whatever its host name.
 *
 *   /platform/...   the e-commerce platform's API (simulators/platform)
 *   /files/...      a file host serving CSV exports with Range support (simulators/files)
 */
export interface SimEnv {
  /** The bearer token the platform simulator accepts. */
  PLATFORM_TOKEN?: string;
}

const app = new Hono<{ Bindings: SimEnv }>();
app.get("/", (c) => c.json({ simulators: ["/platform", "/files"] }));
app.route("/platform", platformApp);
app.route("/files", filesApp);

export default app;
