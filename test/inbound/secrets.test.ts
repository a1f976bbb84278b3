import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { platformRecords } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliverSeed, refusals, rotate, settled, webhookIntegration, webhookView } from "../helpers/webhooks.ts";

let n = 0;
/** A seed-signed stock change, each with its own body (so never a duplicate). */
const stockChange = (id: string, secret: string) =>
  deliverSeed(id, secret, { eventType: "inventory.changed", data: { sku: "SEC-1", stock: ++n } });

describe("webhook secrets", () => {
  it("verifies with the secret from creation; after a rotation old and new both verify until the old one expires", async () => {
    const m = newMerchant("wh-rot");
    const { id, secret: original } = await webhookIntegration(m);
    expect((await stockChange(id, original)).status).toBe(202);
    const [created] = (await webhookView(id)).secrets;
    expect(created).toMatchObject({ expiresAt: null });

    const before = Date.now();
    const rotated = await api("POST", `/api/integrations/${id}/webhook/rotate-secret`, { token: await admin() });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const fresh = rotated.body.data.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(original);
    // The default overlap is 24 h.
    const until = Date.parse(rotated.body.data.previousValidUntil);
    expect(until - before).toBeGreaterThanOrEqual(24 * 3_600_000 - 1000);
    expect(until - before).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);

    expect((await stockChange(id, original)).status).toBe(202);
    expect((await stockChange(id, fresh)).status).toBe(202);
    const secrets = (await webhookView(id)).secrets;
    expect(secrets).toHaveLength(2);
    expect(secrets.find((s) => s.id === created?.id)?.expiresAt).toBe(rotated.body.data.previousValidUntil);
    expect(secrets.find((s) => s.id !== created?.id)?.expiresAt).toBeNull();

    // The overlap ends: only the new secret verifies.
    await env.DB.prepare(
      "UPDATE webhook_secrets SET expires_at = ? WHERE integration_id = ? AND expires_at IS NOT NULL",
    )
      .bind(Date.now() - 1000, id)
      .run();
    const old = await stockChange(id, original);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe("WEBHOOK_SIGNATURE_INVALID");
    const last = await stockChange(id, fresh);
    expect(last.status).toBe(202);
    expect((await settled(last.body.data.id)).status).toBe("processed");
    expect((await platformRecords(m, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "SEC-1", stock: n }),
    ]);
    expect((await webhookView(id)).secrets.map((s) => s.id)).not.toContain(created?.id);
    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "bad_signature", count: 1 })]);
  });

  it("takes a secret the sender dictates, and it verifies", async () => {
    const { id, secret: original } = await webhookIntegration(newMerchant("wh-given"));
    const given = "shpss_0123456789abcdef-given";
    expect(await rotate(id, given)).toBe(given);
    const res = await stockChange(id, given);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((await settled(res.body.data.id)).status).toBe("processed");
    expect((await stockChange(id, original)).status).toBe(202); // in its overlap
  });

  it("lets the merchant rotate its own integration's secret", async () => {
    const m = newMerchant("wh-rot-own");
    const { id } = await webhookIntegration(m);
    const res = await api("POST", `/api/integrations/${id}/webhook/rotate-secret`, { token: await merchant(m) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await stockChange(id, res.body.data.secret)).status).toBe(202);
  });

  it("refuses a dictated secret that is too short, and keeps the secrets in force", async () => {
    const { id, secret } = await webhookIntegration(newMerchant("wh-given-bad"));
    const before = (await webhookView(id)).secrets;
    const res = await api("POST", `/api/integrations/${id}/webhook/rotate-secret`, {
      token: await admin(),
      body: { secret: "short" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect((await webhookView(id)).secrets).toEqual(before);
    expect((await stockChange(id, secret)).status).toBe(202);
  });

  it("refuses a viewer's rotation with 403 and keeps the secrets in force", async () => {
    const m = newMerchant("wh-rot-viewer");
    const { id } = await webhookIntegration(m);
    const before = (await webhookView(id)).secrets;
    const res = await api("POST", `/api/integrations/${id}/webhook/rotate-secret`, { token: await viewer(m) });
    expect(res.status).toBe(403);
    expect((await webhookView(id)).secrets).toEqual(before);
  });

  it("never shows a secret in the integration, the audit log, the webhook view or D1", async () => {
    const m = newMerchant("wh-hidden");
    const { id, secret: original } = await webhookIntegration(m);
    const generated = await rotate(id);
    const given = "given-secret-0123456789-xyz";
    await rotate(id, given);
    const token = await admin();

    const seen = [
      await api("GET", `/api/integrations/${id}`, { token }),
      await api("GET", `/api/integrations?merchantId=${m}`, { token }),
      await api("GET", `/api/audit?merchantId=${m}`, { token }),
      await api("GET", `/api/integrations/${id}/webhook`, { token }),
    ];
    for (const res of seen) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const text = JSON.stringify(res.body);
      for (const secret of [original, generated, given]) expect(text).not.toContain(secret);
    }
    // The rotations are audited, by secret id only.
    const audit = seen[2]?.body.data as { action: string }[];
    expect(audit.filter((e) => e.action === "integration.webhook_secret_rotated")).toHaveLength(2);
    const view = seen[3]?.body.data as { secrets: Record<string, unknown>[] };
    for (const s of view.secrets) expect(Object.keys(s).sort()).toEqual(["createdAt", "expiresAt", "id"]);

    const { results } = await env.DB.prepare("SELECT * FROM webhook_secrets WHERE integration_id = ?").bind(id).all();
    expect(results).toHaveLength(3);
    const stored = JSON.stringify(results);
    for (const secret of [original, generated, given]) expect(stored).not.toContain(secret);
  });
});
