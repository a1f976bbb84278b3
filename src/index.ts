import { app } from "./app.ts";
import { handleScheduled } from "./cron/index.ts";
import { handleQueue } from "./queues/index.ts";

/**
 * The map of the gateway. HTTP: src/app.ts. Queues: src/queues. Crons: src/cron.
 * Durable Objects are exported by class name for the runtime to find.
 */
export { IntegrationGuard } from "./guard/integration-guard.ts";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
