import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const CSV = "sku,name,price,stock\nB-1,One,1.50,1\nB-2,Two,2.50,2\n";

async function post(id: string, rawBody: string | undefined, headers: Record<string, string> = {}) {
  return api("POST", `/api/integrations/${id}/sync`, { token: await admin(), rawBody, headers });
}

const runsOf = async (integrationId: string) =>
  (
    await env.DB.prepare("SELECT type, priority, force FROM sync_runs WHERE integration_id = ?")
      .bind(integrationId)
      .all()
  ).results;

describe("POST /api/integrations/{id}/sync without a body", () => {
  it.each<[string, string | undefined, Record<string, string>]>([
    ["no body and no Content-Type (curl -X POST)", undefined, {}],
    ["an empty JSON body", "", { "Content-Type": "application/json" }],
    ["a body of whitespace", " \r\n", { "Content-Type": "application/json" }],
    ["an empty form body (curl -d '')", "", { "Content-Type": "application/x-www-form-urlencoded" }],
    ["{}", "{}", { "Content-Type": "application/json" }],
  ])("starts a full run with the documented defaults for %s", async (_, body, headers) => {
    const id = await csvIntegration(newMerchant("m-sync-default"), { csv: CSV });
    const res = await post(id, body, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.run).toMatchObject({ type: "full", priority: 0 });
    expect(await runsOf(id)).toEqual([{ type: "full", priority: 0, force: 0 }]);
    const done = await waitForRun(res.body.data.runId);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.progress.itemsRead).toBe(2);
  });

  it.each([
    ['{"type":5}', "type"],
    ['{"type":"fulll"}', "type"],
    ['{"priority":"high"}', "priority"],
    ['"full"', "body"],
    ["null", "body"],
    ["[]", "body"],
  ])("still refuses %s with 400 naming the field, starting nothing", async (json, field) => {
    const id = await csvIntegration(newMerchant("m-sync-bad"), { csv: CSV });
    const res = await post(id, json, { "Content-Type": "application/json" });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    expect(res.body.error).not.toMatch(/undefined/);
    expect(await runsOf(id)).toEqual([]);
  });

  it("refuses a body that is not JSON with 400 MALFORMED_REQUEST, and a non-JSON type with content as 415", async () => {
    const id = await csvIntegration(newMerchant("m-sync-junk"), { csv: CSV });
    const junk = await post(id, "{type:", { "Content-Type": "application/json" });
    expect(junk.status).toBe(400);
    expect(junk.body.code).toBe("MALFORMED_REQUEST");
    const text = await post(id, "type=full", { "Content-Type": "text/plain" });
    expect(text.status).toBe(415);
    expect(await runsOf(id)).toEqual([]);
  });

  it("gives mapping preview its defaults too: no body reads the documented 10 sample rows", async () => {
    const merchantId = newMerchant("m-preview-default");
    const rows = Array.from({ length: 12 }, (_, i) => `P-${i + 1},Item ${i + 1},1.50,1`);
    const id = await csvIntegration(merchantId, { csv: `sku,name,price,stock\n${rows.join("\n")}\n` });
    const res = await api("POST", `/api/integrations/${id}/mappings/preview`, { token: await admin() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ source: "connector", rowsRead: 10 });
  });
});
