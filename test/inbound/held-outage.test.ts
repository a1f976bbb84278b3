import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { eventually } from "../helpers/eventually.ts";
import { platformRecords } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliverSeed, settled, webhookIntegration } from "../helpers/webhooks.ts";

/**
 * D1 cannot take the events table's writes (the table is moved away — this file has a database
 * of its own, see NEEDS_OWN_DATABASE in vitest.config.ts): the sender is still answered 202, the
 * guard keeps the event through the outage, retrying, and writes and applies it once D1 is back.
 */
describe("a database outage while the guard holds events", () => {
  afterEach(async () => {
    const away = await env.DB.prepare("SELECT name FROM sqlite_master WHERE name = 'webhook_events_away'").first();
    if (away) await env.DB.exec("ALTER TABLE webhook_events_away RENAME TO webhook_events");
  });

  it("answers 202, keeps the event while its write fails, and applies it once the database is back", async () => {
    const merchant = newMerchant("wh-held-outage");
    const { id, secret } = await webhookIntegration(merchant);
    await env.DB.exec("ALTER TABLE webhook_events RENAME TO webhook_events_away");

    const res = await deliverSeed(id, secret, { eventType: "inventory.changed", data: { sku: "OUT-1", stock: 5 } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const guard = async () =>
      (await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() })).body.data as {
        heldWebhookEvents: number;
      };
    // The first write fails within moments and the next waits a second: still held after both.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await guard()).heldWebhookEvents).toBe(1);
    expect((await platformRecords(merchant, "inventory")).count).toBe(0);

    await env.DB.exec("ALTER TABLE webhook_events_away RENAME TO webhook_events");
    const event = await settled(res.body.data.id);
    expect(event.status).toBe("processed");
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "OUT-1", stock: 5 }),
    ]);
    await eventually(async () => (await guard()).heldWebhookEvents === 0);
  });
});
