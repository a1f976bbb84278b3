import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import type { Ctx } from "./gate.ts";
import { findUser, type SimConfig, tenant } from "./state.ts";

/** `POST /netsis/{tenant}/api/v2/token`: NetOpenX's OAuth password grant; see app.ts. */
export const authApp = new Hono<{ Bindings: SimEnv }>();

// NetOpenX's JNVTTipi: the numeric value is what its clients send; the names are accepted too.
const DB_TYPES: Record<string, SimConfig["dbType"]> = {
  "0": "MSSQL",
  mssql: "MSSQL",
  vtmssql: "MSSQL",
  "1": "ORACLE",
  oracle: "ORACLE",
  vtoracle: "ORACLE",
};

authApp.post("/:tenant/api/v2/token", async (c) => {
  // Bytes, not text(): workerd warns when a form body is read as text.
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const state = tenant(c.req.param("tenant"));
  const problem = loginProblem(state.config, form);
  if (problem) {
    state.stats.failedLogins += 1;
    return grantError(c, problem.error, problem.description);
  }
  const user = findUser(state, form.get("username") ?? "");
  if (!user || user.password !== form.get("password")) {
    state.stats.failedLogins += 1;
    return grantError(c, "invalid_grant", "Netsis kullanıcı adı veya şifresi hatalı");
  }
  const token = `sim-${crypto.randomUUID()}`;
  const ttl = state.config.tokenTtlSeconds;
  state.tokens.set(token, { username: user.username, expiresAt: Date.now() + ttl * 1000 });
  state.stats.logins += 1;
  return c.json({ access_token: token, token_type: "bearer", expires_in: ttl });
});

/** The company database is opened before the user is checked, as Netsis does. */
function loginProblem(config: SimConfig, form: URLSearchParams): { error: string; description: string } | null {
  if (form.get("grant_type") !== "password") {
    return { error: "unsupported_grant_type", description: "grant_type must be password" };
  }
  const invalid = (description: string) => ({ error: "invalid_grant", description });
  const branch = form.get("branchcode") ?? "";
  if (!/^\d+$/.test(branch) || Number(branch) !== config.branchCode) {
    return invalid(`Şube kodu geçersiz: ${branch || "(boş)"}`);
  }
  const dbType = DB_TYPES[(form.get("dbtype") ?? "").toLowerCase()];
  if (dbType !== config.dbType) return invalid(`Veritabanı tipi uyumsuz: ${form.get("dbtype") ?? "(boş)"}`);
  const dbName = form.get("dbname") ?? "";
  if (dbName.toUpperCase() !== config.dbName.toUpperCase()) {
    return invalid(`Şirket veritabanı bulunamadı: ${dbName || "(boş)"}`);
  }
  if (form.get("dbuser") !== config.dbUser || form.get("dbpassword") !== config.dbPassword) {
    return invalid(`Veritabanına bağlanılamadı: '${form.get("dbuser") ?? ""}' kullanıcısı için oturum açma başarısız`);
  }
  return null;
}

const grantError = (c: Ctx, error: string, description: string) =>
  c.json({ error, error_description: description }, 400);
