import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { logoError } from "./gate.ts";
import { findUser, tenant } from "./state.ts";

/**
 * `POST /logo/{tenant}/api/v1/token`: Logo's OAuth-style password grant. Checked in this order:
 * the client (Basic header; 401 invalid_client), grant_type (400 unsupported_grant_type), user
 * and password (400 invalid_grant), firmno (400 invalid_grant). Faults and latency do not apply.
 */
export const authApp = new Hono<{ Bindings: SimEnv }>();

authApp.post("/:tenant/api/v1/token", async (c) => {
  const state = tenant(c.req.param("tenant"));
  const { config } = state;
  const form = new URLSearchParams(await c.req.text());

  const client = basicCredentials(c.req.header("authorization"));
  if (!client || client.id !== config.clientId || client.secret !== config.clientSecret) {
    return logoError(c, 401, "invalid_client", "İstemci kimliği veya parolası hatalı (client id/secret)");
  }
  if (form.get("grant_type") !== "password") {
    return logoError(c, 400, "unsupported_grant_type", "grant_type must be 'password'");
  }
  const username = form.get("username") ?? "";
  const user = findUser(state, username);
  if (!user || user.password !== (form.get("password") ?? "")) {
    return logoError(c, 400, "invalid_grant", "Kullanıcı adı veya şifre hatalı");
  }
  const firm = form.get("firmno") ?? "";
  if (!/^\d+$/.test(firm) || Number(firm) !== config.firmNo) {
    return logoError(c, 400, "invalid_grant", `${firm || "(boş)"} numaralı firma tanımlı değil`);
  }

  const accessToken = crypto.randomUUID().replaceAll("-", "");
  state.tokens.set(accessToken, { username, expiresAt: Date.now() + config.tokenTtlSeconds * 1000 });
  state.stats.logins++;
  return c.json({ access_token: accessToken, token_type: "bearer", expires_in: config.tokenTtlSeconds });
});

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? "")?.[1];
  if (!encoded) return null;
  try {
    const bytes = Uint8Array.from(atob(encoded), (ch) => ch.charCodeAt(0));
    const text = new TextDecoder().decode(bytes);
    const colon = text.indexOf(":");
    return colon < 0 ? null : { id: text.slice(0, colon), secret: text.slice(colon + 1) };
  } catch {
    return null;
  }
}
