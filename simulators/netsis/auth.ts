import type { SimConfig } from "./config.ts";
import { type Ctx, crashed } from "./envelope.ts";
import { countHost, findUser, type Tenant, tenant } from "./state.ts";

/**
 * `POST /api/v2/token`: NetOpenX's OAuth endpoint (N1 `LoginManager.Login` / `RefreshToken`,
 * N2). Form field names ignore case (OWIN reads the form that way: silent, chosen as the
 * plausible reading). See app.ts for the answers.
 */

// N1 JNVTTipi: vtMSSQL 0, vtReserved 1, vtOracle 2, vtAS400 3; the number or the name.
const DB_TYPES: Record<string, "MSSQL" | "RESERVED" | "ORACLE" | "AS400"> = {
  "0": "MSSQL",
  vtmssql: "MSSQL",
  "1": "RESERVED",
  vtreserved: "RESERVED",
  "2": "ORACLE",
  vtoracle: "ORACLE",
  "3": "AS400",
  vtas400: "AS400",
};

export async function token(c: Ctx): Promise<Response> {
  // Bytes, not text(): workerd warns when a form body is read as text.
  const body = new TextDecoder().decode(await c.req.arrayBuffer());
  const form = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(body)) {
    if (!form.has(key.toLowerCase())) form.set(key.toLowerCase(), value);
  }
  const state = tenant(c.req.param("tenant") ?? "");
  countHost(state, c.req.url);
  const grant = form.get("grant_type");
  if (grant === "refresh_token") return refresh(c, state, form.get("refresh_token") ?? "");
  if (grant !== "password") return refuse(c, state, "unsupported_grant_type", "Desteklenmeyen grant_type");
  // Netsis 9.0.67.0 dies on the dbtype field itself, whatever its value (N3).
  if (state.config.dbTypeParam === "crash" && form.has("dbtype")) {
    state.stats.failedLogins += 1;
    return crashed(c);
  }
  const problem = databaseProblem(state.config, form);
  if (problem) return refuse(c, state, "invalid_grant", problem);
  // The company database opens before the Netsis user is checked.
  const user = findUser(state, form.get("username") ?? "");
  if (!user || user.password !== form.get("password")) {
    return refuse(c, state, "invalid_grant", "Netsis kullanıcı adı veya şifresi hatalı");
  }
  return issue(c, state, user.username, form.get("dbname") ?? state.config.dbName);
}

/** Why the company database cannot be opened with these fields, or null. */
function databaseProblem(config: SimConfig, form: Map<string, string>): string | null {
  const branch = form.get("branchcode") ?? "";
  if (!/^\d+$/.test(branch.trim()) || Number(branch) !== config.branchCode) {
    return `Şube kodu geçersiz: ${branch || "(boş)"}`;
  }
  const raw = form.get("dbtype");
  // N3 leaves dbtype out: the server then uses the database type it is configured for.
  if (raw !== undefined && raw.trim() !== "") {
    const type = DB_TYPES[raw.trim().toLowerCase()];
    if (!type) return `Geçersiz veritabanı tipi: ${raw}`;
    if (type === "RESERVED") return `Veritabanı tipi desteklenmiyor: ${raw} (vtReserved)`;
    if (type !== config.dbType) return `Veritabanı tipi uyumsuz: ${raw}; sunucu ${config.dbType} veritabanına bağlı`;
  }
  const dbName = form.get("dbname") ?? "";
  if (dbName.toUpperCase() !== config.dbName.toUpperCase()) {
    return `Şirket veritabanı bulunamadı: ${dbName || "(boş)"}`;
  }
  if (form.get("dbuser") !== config.dbUser || (form.get("dbpassword") ?? "") !== config.dbPassword) {
    return `Veritabanına bağlanılamadı: '${form.get("dbuser") ?? ""}' kullanıcısı için oturum açma başarısız`;
  }
  return null;
}

function refresh(c: Ctx, state: Tenant, refreshToken: string): Response {
  const username = state.refreshTokens.get(refreshToken);
  // One use each (silent: chosen); the user must still exist.
  state.refreshTokens.delete(refreshToken);
  const user = username === undefined ? undefined : findUser(state, username);
  if (!user) return refuse(c, state, "invalid_grant", "Geçersiz veya kullanılmış refresh_token");
  return issue(c, state, user.username, state.config.dbName);
}

function issue(c: Ctx, state: Tenant, username: string, dbName: string): Response {
  const ttl = state.config.tokenTtlSeconds;
  const issued = Date.now();
  const access = `sim-${crypto.randomUUID()}`;
  const refreshToken = `sim-rt-${crypto.randomUUID()}`;
  state.tokens.set(access, { username, expiresAt: issued + ttl * 1000 });
  state.refreshTokens.set(refreshToken, username);
  state.stats.logins += 1;
  // N1 AuthResult, N2 TokenSonuc: OWIN's bearer answer with Netsis' extra fields.
  return c.json({
    access_token: access,
    token_type: "bearer",
    expires_in: ttl,
    refresh_token: refreshToken,
    username,
    branchcode: String(state.config.branchCode),
    dbname: dbName,
    ".issued": new Date(issued).toUTCString(),
    ".expires": new Date(issued + ttl * 1000).toUTCString(),
  });
}

function refuse(c: Ctx, state: Tenant, error: string, description: string): Response {
  state.stats.failedLogins += 1;
  return c.json({ error, error_description: description }, 400);
}
