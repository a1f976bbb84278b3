import { expect } from "vitest";
import { configureLogo, logoEndpoint, newLogoTenant } from "../../../helpers/logo.ts";

/** The default user's login form; fields given replace its own (a null drops one). */
export async function login(
  tenant: string,
  form: Record<string, string | null> = {},
  headers: Record<string, string> = {},
) {
  const fields = { grant_type: "password", username: "logo", password: "logo-pass", firmno: "1", ...form };
  const body = new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== null));
  const res = await fetch(`${logoEndpoint(tenant)}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: body.toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

export async function bearer(tenant: string): Promise<string> {
  const res = await login(tenant);
  if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  return res.body.access_token;
}

/**
 * A call to the tenant's /api/v1 (`path` starts with "/"), with a fresh token unless `token`
 * is given (null: no Authorization header). The body comes back parsed when it is JSON.
 */
export async function api(
  tenant: string,
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
) {
  const token = init.token === undefined ? await bearer(tenant) : init.token;
  const headers: Record<string, string> = {
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...init.headers,
  };
  const body =
    init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${logoEndpoint(tenant)}${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A fresh tenant with `config`, and a token for it. */
export async function tenantWith(label: string, config: Record<string, unknown> = {}) {
  const tenant = newLogoTenant(label);
  if (Object.keys(config).length > 0) await configureLogo(tenant, config);
  return { tenant, token: await bearer(tenant) };
}

export const q = (text: string) => encodeURIComponent(text);

/** The ModelState body of an ASP.NET error with one key. */
export const modelState = (key: string, text: unknown = expect.any(String)) => ({
  Message: "The request is invalid.",
  ModelState: { [key]: [text] },
});
