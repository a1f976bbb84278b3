import { z } from "zod";

/**
 * A page of a sync run: which run, which of its streams, which page, and the connector's
 * opaque cursor where the page starts. The next page is its own message, so one invocation
 * only ever handles one page whatever the catalogue size.
 */
export const SyncPageMessage = z.object({
  kind: z.literal("sync.page"),
  runId: z.string().min(1).max(64),
  integrationId: z.string().min(1).max(64),
  stream: z.number().int().min(0).max(31),
  page: z.number().int().min(0),
  cursor: z.string().max(64_000).nullable(),
});
export type SyncPageMessage = z.infer<typeof SyncPageMessage>;
