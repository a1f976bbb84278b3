import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index.ts";

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (not JSON-encoded): text, or bytes such as a gzip file. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Run against a copy of env with these values changed (e.g. JWT_ISSUER), in-process. */
  env?: Record<string, unknown>;
}

/** Calls the gateway's fetch handler and parses the JSON answer. */
export async function api<T = any>(method: string, path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const request = new Request(`https://gateway.test${path}`, { method, headers, body });
  // The Worker's own fetch handler with an execution context the test waits on, so that work
  // done after the answer (audit entries of refusals, `waitUntil`) has landed when this returns.
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, (options.env ? { ...env, ...options.env } : env) as Env, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. /docs); keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** A valid create body for each built-in connector. */
export const bodies = {
  logo: (merchantId?: string, name = "Main Store Logo ERP") => ({
    ...(merchantId ? { merchantId } : {}),
    name,
    type: "hybrid",
    connector: "logo",
    credentials: {
      endpoint: "https://erp.example.com/api/v1",
      username: "integration_user",
      password: "s3cret-Logo-pa55",
      firmNo: 1,
    },
    settings: { syncInterval: 300_000, periodNo: 2 },
  }),
  netsis: (merchantId?: string, name = "Netsis") => ({
    ...(merchantId ? { merchantId } : {}),
    name,
    connector: "netsis",
    credentials: {
      endpoint: "https://netsis.example.com/api/v2",
      username: "netsis",
      password: "netsis-pass-1",
      branchCode: 0,
      dbName: "TESTDB",
      dbUser: "sa",
      dbPassword: "db-pass-1",
    },
  }),
  csv: (merchantId?: string, name = "CSV feed") => ({
    ...(merchantId ? { merchantId } : {}),
    name,
    connector: "csv",
    credentials: { url: "https://files.example.com/stock.csv", bearerToken: "csv-token-1" },
    settings: { delimiter: ";", decimalSeparator: "," },
  }),
};
