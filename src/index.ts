import { app } from "./app.ts";
import { handleScheduled } from "./cron/index.ts";
import { handleQueue } from "./jobs/index.ts";
import type { JobMessage } from "./jobs/registry.ts";

/**
 * The map of the gateway. HTTP: src/app.ts. Queued jobs: src/jobs. Crons: src/cron.
 * Durable Objects are exported by class name for the runtime to find.
 */
export { IntegrationGuard } from "./guard/integration-guard.ts";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env, JobMessage>;
