import { httpDate } from "./clock.ts";
import type { Ctx } from "./http.ts";
import { findUser, type Tenant } from "./state.ts";

/**
 * `POST /token`: the OAuth password grant of Logo's OWIN server (L1). The body is read as a
 * form whatever its Content-Type (L1 sends `application/json` with a form body); field names in
 * any case (`firmno` L1/L4/L5/L6, `Firmno` L2/L3). Checked in OWIN's order: the client (only with
 * `checkClient` — L4 sends no Basic header, L5 a bare `Basic`), grant_type, user and password,
 * firm (`1`, `01` or `001`). Every refusal is 400 `{ error, error_description }` (L4, L5).
 */
export function login(c: Ctx, t: Tenant, body: string): Response {
  const { config } = t;
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body))
    if (!form.has(name.toLowerCase())) form.set(name.toLowerCase(), value);
  const refuse = (error: string, description: string) => c.json({ error, error_description: description }, 400);

  if (config.checkClient) {
    const client = basicCredentials(c.req.header("authorization"));
    if (client?.id !== config.clientId || client.secret !== config.clientSecret) {
      return refuse("invalid_client", "İstemci kimliği veya parolası geçersiz (client_id / client_secret).");
    }
  }
  if (form.get("grant_type") !== "password") return refuse("unsupported_grant_type", "grant_type 'password' olmalı.");
  const username = form.get("username") ?? "";
  const user = findUser(t, username);
  if (!user || user.password !== (form.get("password") ?? ""))
    return refuse("invalid_grant", "Kullanıcı adı veya şifre hatalı.");
  const firm = form.get("firmno") ?? "";
  if (!/^\d{1,3}$/.test(firm) || Number(firm) !== config.firmNo) {
    return refuse("invalid_grant", `${firm || "(boş)"} numaralı firma tanımlı değil veya kullanıcının yetkisi yok.`);
  }

  const issued = Date.now();
  const expires = issued + config.tokenTtlSeconds * 1000;
  const token = randomToken(48);
  t.tokens.set(token, { username: user.username, expiresAt: expires });
  t.stats.logins++;
  c.header("Cache-Control", "no-cache");
  c.header("Pragma", "no-cache");
  c.header("Expires", "-1");
  // L1's answer, field for field; "as:client_id" is empty there although the client sent one.
  return c.json({
    access_token: token,
    token_type: "bearer",
    expires_in: config.tokenTtlSeconds,
    refresh_token: randomToken(16),
    "as:client_id": "",
    userName: username,
    firmNo: firm,
    ".issued": httpDate(issued),
    ".expires": httpDate(expires),
  });
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const encoded = /^Basic\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (!encoded) return null;
  try {
    const text = new TextDecoder().decode(Uint8Array.from(atob(encoded), (ch) => ch.charCodeAt(0)));
    const colon = text.indexOf(":");
    return colon < 0 ? null : { id: text.slice(0, colon), secret: text.slice(colon + 1) };
  } catch {
    return null;
  }
}

function randomToken(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
