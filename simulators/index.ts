import { Hono } from "hono";
import { filesApp } from "./files/app.ts";
import { logoApp } from "./logo/app.ts";
import { netsisApp } from "./netsis/app.ts";
import { platformApp } from "./platform/app.ts";
import { receiverApp } from "./receiver/app.ts";
import { redirectsApp } from "./redirects/app.ts";

/**
 * The local world the gateway talks to, as one Worker: each simulator under its own path
 * prefix. `npm run dev` serves it on http://127.0.0.1:8790; in tests it is the outbound
 * service, so every fetch the gateway makes lands here whatever its host name.
 *
 *   /platform/...         the e-commerce platform's API (simulators/platform)
 *   /files/...            a file host serving CSV exports with Range support (simulators/files)
 *   /logo/{tenant}/...    Logo Objects REST, one independent ERP per tenant (simulators/logo)
 *   /netsis/{tenant}/...  Netsis NetOpenX REST, one independent ERP per tenant (simulators/netsis)
 *   /redirects/...        redirects on demand and a capture of what reached a host (simulators/redirects)
 *   /receiver/{key}       a webhook receiver verifying outgoing deliveries (simulators/receiver)
 */
export interface SimEnv {
  /** The bearer token the platform simulator accepts. */
  PLATFORM_TOKEN?: string;
}

const app = new Hono<{ Bindings: SimEnv }>();
app.get("/", (c) =>
  c.json({
    simulators: ["/platform", "/files", "/logo/{tenant}", "/netsis/{tenant}", "/redirects", "/receiver/{key}"],
  }),
);
app.route("/platform", platformApp);
app.route("/files", filesApp);
app.route("/logo", logoApp);
app.route("/netsis", netsisApp);
app.route("/redirects", redirectsApp);
app.route("/receiver", receiverApp);

export default app;
