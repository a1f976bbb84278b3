import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { integrationRow, integrationRows, overwriteCredentials } from "../helpers/db.ts";
import { csvIntegration, syncToEnd } from "../helpers/integrations.ts";
import { captured, captureUrl, platformRecords, platformRequests, putFile, redirectUrl } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

// Calls to a merchant's file host through the whole gateway: the API, the queue, the guarded
// fetch and the simulators (simulators/redirects stands for a server that redirects, and for
// another host that notes what reached it).
const ROWS = "sku,name,price,stock\nR-1,One,1,1\nR-2,Two,2,2\n";
const key = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

const AUTH = {
  bearer: { credentials: { bearerToken: "file-token-1" }, header: "Bearer file-token-1" },
  basic: { credentials: { username: "files", password: "pa55word" }, header: `Basic ${btoa("files:pa55word")}` },
};

/** What a run shows to a viewer of its merchant, and what D1 holds for it. */
async function runSeenByViewer(merchantId: string, runId: string) {
  const res = await api("GET", `/api/runs/${runId}`, { token: await viewer(merchantId) });
  expect(res.status).toBe(200);
  const row = await env.DB.prepare("SELECT status, last_error FROM sync_runs WHERE id = ?")
    .bind(runId)
    .first<{ status: string; last_error: string }>();
  return { api: res.body.data.lastError as string, stored: row?.last_error };
}

describe("a CSV source that redirects", () => {
  it.each(Object.entries(AUTH))(
    "follows a redirect on the configured host with %s credentials, and syncs",
    async (_, auth) => {
      const merchantId = newMerchant("m-redir-same");
      const file = await putFile(`${merchantId}.csv`, ROWS, { "x-require-authorization": auth.header });
      const id = await csvIntegration(merchantId, {
        credentials: { url: redirectUrl(new URL(file).pathname), ...auth.credentials },
      });
      const run = await syncToEnd(id, { type: "products" });
      expect(run.status, JSON.stringify(run)).toBe("succeeded");
      expect((await platformRecords(merchantId, "products")).items.map((r) => r.sku)).toEqual(["R-1", "R-2"]);
    },
  );

  it.each(Object.entries(AUTH))(
    "fails the run at once when the source redirects to another host, and the %s credentials never get there",
    async (_, auth) => {
      const merchantId = newMerchant("m-redir-cross");
      const k = key("cross");
      const id = await csvIntegration(merchantId, {
        credentials: { url: redirectUrl(captureUrl(k, "https://evil.test")), ...auth.credentials },
      });
      const before = await integrationRow(id);

      const run = await syncToEnd(id, { type: "products" });
      expect(run.status).toBe("failed");
      expect(run.attempts).toBe(0);
      const message =
        "sims.test redirected to evil.test; the gateway does not send credentials to another host — configure the final URL";
      expect(await runSeenByViewer(merchantId, run.id)).toEqual({
        api: expect.stringContaining(message),
        stored: expect.stringContaining(message),
      });

      expect((await captured(k)).count).toBe(0);
      expect((await platformRequests(merchantId)).count).toBe(0);
      expect(await integrationRow(id)).toEqual(before);
    },
  );

  it("answers a preview with 502 naming the other host, and calls nothing there", async () => {
    const merchantId = newMerchant("m-redir-preview");
    const k = key("preview");
    const id = await csvIntegration(merchantId, {
      credentials: { url: redirectUrl(captureUrl(k, "https://files.evil.test")), ...AUTH.bearer.credentials },
    });
    const res = await api("POST", `/api/integrations/${id}/mappings/preview`, {
      token: await merchant(merchantId),
      body: {},
    });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("UPSTREAM_ERROR");
    expect(res.body.error).toContain("redirected to files.evil.test;");
    expect((await captured(k)).count).toBe(0);
  });
});

describe("host names that resolve to internal addresses", () => {
  it.each([
    "https://127.0.0.1.nip.io/files/x.csv",
    "https://files.10.0.0.5.nip.io/x.csv",
    "https://10-0-0-5.sslip.io/x.csv",
    "https://7f000001.nip.io/x.csv",
    "https://--1.sslip.io/x.csv",
    "https://localtest.me/x.csv",
    "https://files.lvh.me/x.csv",
    "https://169-254-169-254.files.example.com/latest/meta-data",
    "https://app-192.168.1.20.example.com/x.csv",
  ])("refuses to save credentials.url %s, storing nothing", async (url) => {
    const merchantId = newMerchant("m-dns");
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      body: { merchantId, name: "dns", type: "webhook", connector: "csv", credentials: { url } },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(["credentials.url"]);
    expect(res.body.details[0].message).toMatch(/public host name/);
    expect(await integrationRows(merchantId)).toEqual([]);
  });

  it("saves and reads a public name that carries a public address", async () => {
    const merchantId = newMerchant("m-dns-ok");
    const file = new URL(await putFile(`${merchantId}.csv`, ROWS));
    const id = await csvIntegration(merchantId, {
      credentials: { url: `https://files-93-184-216-34.example.test${file.pathname}` },
    });
    const res = await api("POST", `/api/integrations/${id}/mappings/preview`, {
      token: await merchant(merchantId),
      body: {},
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.rowsRead).toBe(2);
  });

  it("refuses to call such a name stored before the policy knew it, in a preview and in a run", async () => {
    const merchantId = newMerchant("m-dns-stored");
    const k = key("stored");
    const id = await csvIntegration(merchantId, { csv: ROWS });
    await overwriteCredentials(id, { url: captureUrl(k, "https://127-0-0-1.example.test") });
    const before = await integrationRow(id);

    const preview = await api("POST", `/api/integrations/${id}/mappings/preview`, {
      token: await merchant(merchantId),
      body: {},
    });
    expect(preview.status).toBe(502);
    expect(preview.body.error).toMatch(/^Refused to call 127-0-0-1\.example\.test: the URL must be a public host name/);

    const run = await syncToEnd(id, { type: "products" });
    expect(run.status).toBe("failed");
    expect(run.lastError).toContain("spells the loopback address 127.0.0.1");
    expect((await captured(k)).count).toBe(0);
    expect((await platformRequests(merchantId)).count).toBe(0);
    expect(await integrationRow(id)).toEqual(before);
  });
});

describe("what a run error shows of a stored URL", () => {
  it("names the host only, never the path of the configured URL", async () => {
    const merchantId = newMerchant("m-url-path");
    const id = await csvIntegration(merchantId, { csv: ROWS });
    // Saved before the policy refused it: the run refuses to call it, and says so.
    await overwriteCredentials(id, { url: "https://10.0.0.7/s3cret-token/stock.csv?sig=abc", bearerToken: "t" });

    const run = await syncToEnd(id, { type: "products" });
    expect(run.status).toBe("failed");
    const seen = await runSeenByViewer(merchantId, run.id);
    expect(seen.api).toContain("Refused to call 10.0.0.7: the URL must not point at a private");
    for (const text of [seen.api, seen.stored]) expect(text).not.toMatch(/s3cret|stock\.csv|sig=/);
  });
});
