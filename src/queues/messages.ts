import { z } from "zod";

/**
 * Messages on the sync queue. Every body is parsed with this schema before anything acts on
 * it; the sync engine adds its job kinds to the union.
 */
export const SyncMessage = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("sync"),
    integrationId: z.string().min(1),
    runId: z.string().min(1),
    type: z.enum(["products", "inventory", "prices", "full"]),
    cursor: z.string().nullable().default(null),
  }),
]);
export type SyncMessage = z.infer<typeof SyncMessage>;
