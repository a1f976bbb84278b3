import { describe, expect, it } from "vitest";
import {
  configureNetsis,
  netsisCall,
  netsisEndpoint,
  netsisHosts,
  netsisLogin,
  netsisStats,
  netsisToken,
  newTenant,
} from "../../../helpers/netsis.ts";

// POST /token as N1's LoginManager and N2 send it; each test has its own tenant.
describe("Netsis simulator: POST /token", () => {
  it("issues a bearer token with a refresh token, OWIN's dates and Netsis' extra fields", async () => {
    const tenant = newTenant("nsl-ok");
    const { status, body } = await netsisLogin(tenant);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      token_type: "bearer",
      expires_in: 3600,
      username: "netsis",
      branchcode: "0",
      dbname: "TESTDB",
    });
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(Date.parse(body[".expires"]) - Date.parse(body[".issued"])).toBe(3_600_000);
    expect(body[".issued"]).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect((await netsisCall(tenant, body.access_token, "/Items?limit=1")).body.IsSuccessful).toBe(true);
  });

  it("reads form field names in any case", async () => {
    const tenant = newTenant("nsl-case");
    const form = new URLSearchParams({
      Grant_Type: "password",
      BranchCode: "0",
      UserName: "NETSIS",
      Password: "netsis-pass",
      DbName: "testdb",
      DbUser: "sa",
      DbPassword: "sa-pass",
    });
    const res = await fetch(`${netsisEndpoint(tenant)}/TOKEN`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(res.status).toBe(200);
  });

  it("takes dbtype as JNVTTipi's number or name, the server's own when absent", async () => {
    const mssql = newTenant("nsl-mssql");
    for (const dbtype of ["0", "vtMSSQL", "VTMSSQL", undefined]) {
      expect((await netsisLogin(mssql, { dbtype })).status, String(dbtype)).toBe(200);
    }
    const oracle = newTenant("nsl-oracle");
    await configureNetsis(oracle, { dbType: "ORACLE" });
    for (const dbtype of ["2", "vtOracle", undefined]) {
      expect((await netsisLogin(oracle, { dbtype })).status, String(dbtype)).toBe(200);
    }
    const refused = await netsisLogin(oracle, { dbtype: "0" });
    expect(refused).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(refused.body.error_description).toMatch(/Veritabanı tipi uyumsuz: 0/);
  });

  it("refuses the reserved type 1, AS400 on an MSSQL server and a type that does not exist", async () => {
    const tenant = newTenant("nsl-types");
    const reserved = await netsisLogin(tenant, { dbtype: "1" });
    expect(reserved).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(reserved.body.error_description).toMatch(/desteklenmiyor: 1 \(vtReserved\)/);
    expect((await netsisLogin(tenant, { dbtype: "3" })).body.error_description).toMatch(/uyumsuz: 3/);
    expect((await netsisLogin(tenant, { dbtype: "MSSQL" })).body.error_description).toMatch(/Geçersiz veritabanı tipi/);
    expect((await netsisStats(tenant)).failedLogins).toBe(3);
  });

  it('crashes with HTTP 500 on any dbtype field when dbTypeParam is "crash" (Netsis 9.0.67.0), and logs in without it', async () => {
    const tenant = newTenant("nsl-crash");
    await configureNetsis(tenant, { dbTypeParam: "crash" });
    for (const dbtype of ["0", "vtMSSQL", ""]) {
      const crashed = await netsisLogin(tenant, { dbtype });
      expect(crashed, dbtype).toEqual({ status: 500, body: { Message: "An error has occurred." } });
    }
    expect((await netsisLogin(tenant)).status).toBe(200);
    // With "accepted" (the default) the same field is fine.
    await configureNetsis(tenant, { dbTypeParam: "accepted" }, "PATCH");
    expect((await netsisLogin(tenant, { dbtype: "0" })).status).toBe(200);
  });

  it("opens the company database before it checks the Netsis user, in Netsis' words", async () => {
    const tenant = newTenant("nsl-order");
    for (const [form, words] of [
      [{ branchcode: "3", password: "wrong" }, /Şube kodu geçersiz: 3/],
      [{ dbname: "OTHERDB", password: "wrong" }, /Şirket veritabanı bulunamadı: OTHERDB/],
      [{ dbpassword: "wrong", password: "wrong" }, /Veritabanına bağlanılamadı: 'sa'/],
      [{ dbuser: "TEMELSET" }, /Veritabanına bağlanılamadı: 'TEMELSET'/],
      [{ password: "wrong" }, /Netsis kullanıcı adı veya şifresi hatalı/],
      [{ username: "nobody" }, /Netsis kullanıcı adı veya şifresi hatalı/],
    ] as const) {
      const refused = await netsisLogin(tenant, form);
      expect(refused.status, JSON.stringify(form)).toBe(400);
      expect(refused.body).toEqual({ error: "invalid_grant", error_description: expect.stringMatching(words) });
    }
    expect(await netsisStats(tenant)).toMatchObject({ logins: 0, failedLogins: 6 });
  });

  it("refuses grant types other than password and refresh_token, and a form without one", async () => {
    const tenant = newTenant("nsl-grant");
    const other = await netsisLogin(tenant, { grant_type: "client_credentials" });
    expect(other).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
    const missing = await netsisLogin(tenant, { grant_type: undefined });
    expect(missing.body.error).toBe("unsupported_grant_type");
    // GET reaches the same endpoint (N3 logs in with GET); without a form there is no grant.
    const get = await fetch(`${netsisEndpoint(tenant)}/token`);
    expect(get.status).toBe(400);
  });

  it("exchanges a refresh token once for a new pair", async () => {
    const tenant = newTenant("nsl-refresh");
    await configureNetsis(tenant, { tokenTtlSeconds: 120 });
    const first = (await netsisLogin(tenant)).body;
    const refreshed = await netsisLogin(tenant, {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      username: undefined,
      password: undefined,
    });
    expect(refreshed).toMatchObject({ status: 200, body: { token_type: "bearer", expires_in: 120 } });
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect((await netsisCall(tenant, refreshed.body.access_token, "/Items?limit=1")).status).toBe(200);
    const again = await netsisLogin(tenant, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(again).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("counts the Host of every request that carries credentials or a token", async () => {
    const tenant = newTenant("nsl-hosts");
    const token = await netsisToken(tenant);
    await netsisCall(tenant, token, "/Items?limit=1");
    await netsisCall(tenant, "not-a-token", "/Items?limit=1");
    await fetch(`https://erp.example.test/netsis/${tenant}/api/v2/Items?limit=1`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await netsisCall(tenant, null, "/Items");
    expect(await netsisHosts(tenant)).toEqual({ "sims.test": 3, "erp.example.test": 1 });
  });
});
