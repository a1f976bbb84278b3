import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client.ts";
import { subscriptionsFor } from "../../src/outbound/subscriptions/store.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { merchantWide, registered } from "../helpers/subscriptions.ts";
import { newMerchant } from "../helpers/unique.ts";

describe("subscriptionsFor: which subscriptions an event goes to", () => {
  it("matches by merchant, integration (or merchant-wide) and type, disabled ones included", async () => {
    const m = newMerchant("subs-for");
    const [a, b] = [await csvIntegration(m, { name: "a" }), await csvIntegration(m, { name: "b" })];
    const onA = await registered(a, { events: ["inventory.changed"] });
    const onAOff = await registered(a, { events: ["price.changed", "inventory.changed"] });
    await api("POST", `/api/subscriptions/${onAOff.id}/disable`, { token: await admin() });
    const onB = await registered(b, { events: ["inventory.changed", "price.changed"] });
    const everything = await merchantWide(m, { events: ["*"] });
    const failedOrders = await merchantWide(m, { events: ["order.failed"] });
    await merchantWide(newMerchant("subs-for-other"), { events: ["*"] });

    const db = getDb(env);
    const ids = async (integrationId: string | null, type: string) =>
      (await subscriptionsFor(db, { merchantId: m, integrationId, type })).map((s) => s.id).sort();

    expect(await ids(a, "inventory.changed")).toEqual([onA.id, onAOff.id, everything.id].sort());
    expect(await ids(a, "order.failed")).toEqual([everything.id, failedOrders.id].sort());
    expect(await ids(b, "price.changed")).toEqual([onB.id, everything.id].sort());
    // An event of no integration reaches only the merchant-wide subscriptions.
    expect(await ids(null, "inventory.changed")).toEqual([everything.id]);
    // A type nobody lists still reaches `*`; another merchant's event reaches none of these.
    expect(await ids(a, "delivery.failing")).toEqual([everything.id]);
    expect(
      await subscriptionsFor(db, { merchantId: newMerchant("nobody"), integrationId: a, type: "sync.completed" }),
    ).toEqual([]);

    const rows = await subscriptionsFor(db, { merchantId: m, integrationId: a, type: "inventory.changed" });
    expect(rows.find((r) => r.id === onAOff.id)?.status).toBe("disabled");
  });

  it("does not match a type that is only a prefix or part of a listed one", async () => {
    const m = newMerchant("subs-for");
    const a = await csvIntegration(m);
    await registered(a, { events: ["sync.completed"] });
    const db = getDb(env);
    for (const type of ["sync", "sync.complete", "completed", "%", "sync.completed "]) {
      expect(await subscriptionsFor(db, { merchantId: m, integrationId: a, type }), type).toEqual([]);
    }
  });
});
