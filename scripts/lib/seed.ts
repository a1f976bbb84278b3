/**
 * The demo world of `npm run dev`: a demo merchant with one integration per connector, each
 * pointing at a simulator, created through the gateway's own API (so it is validated, encrypted
 * and audited like any other). Idempotent: integrations that exist already are reused.
 */
export interface DemoIntegrations {
  csv: string;
  logo: string;
  netsis: string;
}

export const DEMO_MERCHANT = "demo-merchant";

export async function seedDemo(
  gateway: string,
  sims: string,
  token: string,
  webhookSecret: string,
  notificationSecret: string | undefined,
): Promise<DemoIntegrations> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { data?: { id: string; name: string }[] & { id: string }; error?: string };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error ?? ""}`);
    return json.data;
  };
  // A demo-sized catalogue in each simulated ERP (they generate 100,000 items as easily).
  // The demo Logo allows SQL calls, which stock needs (a new Logo REST service does not).
  await simConfig(`${sims}/logo/demo/__sim/config`, { items: 5000, sql: true });
  await simConfig(`${sims}/netsis/demo/__sim/config`, { items: 5000 });
  // Alert notifications go to the receiver simulator, which verifies them with this secret.
  if (notificationSecret) await simConfig(`${sims}/receiver/__sim/alerts/config`, { secret: notificationSecret });

  const existing = (await call("GET", `/api/integrations?merchantId=${DEMO_MERCHANT}&limit=100`)) as {
    id: string;
    name: string;
  }[];
  const ensure = async (name: string, body: Record<string, unknown>) =>
    existing.find((i) => i.name === name)?.id ??
    (
      (await call("POST", "/api/integrations", { merchantId: DEMO_MERCHANT, name, type: "hybrid", ...body })) as {
        id: string;
      }
    ).id;

  const demo = {
    csv: await ensure("Demo CSV feed", {
      type: "webhook",
      connector: "csv",
      credentials: { url: `${sims}/files/generated/catalogue.csv?rows=2000` },
      settings: { decimalSeparator: "," },
    }),
    logo: await ensure("Demo Logo ERP", {
      connector: "logo",
      credentials: { endpoint: `${sims}/logo/demo/api/v1`, username: "logo", password: "logo-pass", firmNo: 1 },
      settings: { syncInterval: 3_600_000 },
    }),
    netsis: await ensure("Demo Netsis ERP", {
      connector: "netsis",
      credentials: {
        endpoint: `${sims}/netsis/demo/api/v2`,
        username: "netsis",
        password: "netsis-pass",
        branchCode: 0,
        dbName: "TESTDB",
        dbUser: "sa",
        dbPassword: "sa-pass",
      },
      // Checked every minute, so that breaking the simulator shows an alert within minutes.
      settings: { syncInterval: 3_600_000, healthCheckIntervalMinutes: 1 },
    }),
  };
  // Webhooks to the CSV feed are signed with a secret `npm run webhook` can derive (dev only).
  await call("POST", `/api/integrations/${demo.csv}/webhook/rotate-secret`, { secret: webhookSecret });
  return demo;
}

async function simConfig(url: string, config: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}
