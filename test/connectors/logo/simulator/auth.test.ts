import { describe, expect, it } from "vitest";
import { configureLogo, logoEndpoint, logoSim, logoStats, newLogoTenant } from "../../../helpers/logo.ts";
import { api, bearer, login, modelState } from "./call.ts";

const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe("the Logo simulator: POST /token", () => {
  it("answers L1's token fields, for 119 seconds by default", async () => {
    const res = await login(newLogoTenant("token"));
    expect(res).toMatchObject({ status: 200 });
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: "bearer",
      expires_in: 119,
      refresh_token: expect.any(String),
      "as:client_id": "",
      userName: "logo",
      firmNo: "1",
      ".issued": expect.stringMatching(HTTP_DATE),
      ".expires": expect.stringMatching(HTTP_DATE),
    });
    expect(Date.parse(res.body[".expires"]) - Date.parse(res.body[".issued"])).toBe(119_000);
    expect(res.headers.get("cache-control")).toBe("no-cache");
  });

  it("reads a form body sent as application/json, field names in any case, the firm as 1, 01 or 001", async () => {
    const tenant = newLogoTenant("token-form");
    const asJson = await login(tenant, {}, { "content-type": "application/json" });
    expect(asJson.status).toBe(200);
    for (const firm of ["1", "01", "001"]) {
      const res = await login(tenant, { firmno: null, Firmno: firm, USERNAME: "LOGO", username: null });
      expect(res, firm).toMatchObject({ status: 200, body: { firmNo: firm, userName: "LOGO" } });
    }
  });

  it("refuses with 400 { error, error_description }: password, firm, grant type", async () => {
    const tenant = newLogoTenant("token-bad");
    const refused = (error: string) => ({ status: 400, body: { error, error_description: expect.any(String) } });
    expect(await login(tenant, { password: "nope" })).toMatchObject(refused("invalid_grant"));
    expect(await login(tenant, { username: "someone" })).toMatchObject(refused("invalid_grant"));
    const firm = await login(tenant, { firmno: "7" });
    expect(firm).toMatchObject(refused("invalid_grant"));
    expect(firm.body.error_description).toContain("7");
    expect(await login(tenant, { firmno: "0001" })).toMatchObject(refused("invalid_grant"));
    expect(await login(tenant, { grant_type: "client_credentials" })).toMatchObject(refused("unsupported_grant_type"));
    expect(await login(tenant, { grant_type: null })).toMatchObject(refused("unsupported_grant_type"));
    expect((await logoStats(tenant)).logins).toBe(0);
  });

  it("ignores the client's Basic credentials unless checkClient is set, then wants the configured ones", async () => {
    const tenant = newLogoTenant("token-client");
    const basic = (id: string, secret: string) => ({ authorization: `Basic ${btoa(`${id}:${secret}`)}` });
    expect((await login(tenant, {}, { authorization: "Basic" })).status).toBe(200);
    expect((await login(tenant, {}, basic("x", "y"))).status).toBe(200);
    await configureLogo(tenant, { checkClient: true, clientId: "ACME", clientSecret: "acme-secret" });
    for (const headers of [{}, { authorization: "Basic" }, basic("ACME", "wrong"), basic("LOGO", "acme-secret")]) {
      expect(await login(tenant, {}, headers)).toMatchObject({ status: 400, body: { error: "invalid_client" } });
    }
    expect((await login(tenant, {}, basic("ACME", "acme-secret"))).status).toBe(200);
  });
});

describe("the Logo simulator: tokens on data calls", () => {
  it("takes Bearer with one or more spaces, as L1 sends two", async () => {
    const tenant = newLogoTenant("bearer");
    const token = await bearer(tenant);
    for (const header of [`Bearer ${token}`, `Bearer  ${token}`, `bearer   ${token}`]) {
      expect((await api(tenant, "/items?limit=1", { token: null, headers: { authorization: header } })).status).toBe(
        200,
      );
    }
  });

  it("answers a bare 401 with WWW-Authenticate by default: no token, an unknown one, an expired one", async () => {
    const tenant = newLogoTenant("unauthorized");
    // The token expires after one more served request: no waiting for a clock to run out.
    await configureLogo(tenant, { expireTokensAfter: 1 });
    const token = await bearer(tenant);
    for (const t of [null, "not-a-token"]) {
      const res = await api(tenant, "/items", { token: t });
      expect(res).toMatchObject({ status: 401, body: null });
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
    }
    expect((await api(tenant, "/items", { token })).status).toBe(200);
    expect(await api(tenant, "/items", { token })).toMatchObject({ status: 401, body: null });
  });

  it("answers ASP.NET's message or a LoginError ModelState when so configured, never invalid_token", async () => {
    const tenant = newLogoTenant("unauthorized-modes");
    await configureLogo(tenant, { unauthorized: "message" });
    expect(await api(tenant, "/items", { token: "stale" })).toMatchObject({
      status: 401,
      body: { Message: "Authorization has been denied for this request." },
    });
    await configureLogo(tenant, { unauthorized: "loginError" });
    expect(await api(tenant, "/salesOrders", { token: "stale" })).toMatchObject({
      status: 400,
      body: modelState("LoginError"),
    });
  });

  it("drops every token on expire-tokens, and after expireTokensAfter more data requests", async () => {
    const tenant = newLogoTenant("expire");
    const first = await bearer(tenant);
    expect(await logoSim(tenant, "POST", "/expire-tokens")).toEqual({ expired: 1 });
    expect((await api(tenant, "/items", { token: first })).status).toBe(401);

    const [a, b] = [await bearer(tenant), await bearer(tenant)];
    await configureLogo(tenant, { expireTokensAfter: 2 });
    expect((await api(tenant, "/items", { token: a })).status).toBe(200);
    expect((await api(tenant, "/items", { token: b })).status).toBe(200);
    expect((await api(tenant, "/items", { token: a })).status).toBe(401);
    expect((await api(tenant, "/items", { token: b })).status).toBe(401);
    expect((await api(tenant, "/items")).status).toBe(200);
    expect(await logoSim(tenant, "GET", "/config")).toMatchObject({ expireTokensAfter: 0 });
  });

  it("lets a client log in at any path case, /Token too", async () => {
    const tenant = newLogoTenant("token-case");
    const res = await fetch(`${logoEndpoint(tenant).replace("/api/v1", "/API/V1")}/Token/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=password&username=logo&password=logo-pass&firmno=1",
    });
    expect(res.status).toBe(200);
  });
});
