import { createRoute, z } from "@hono/zod-openapi";
import { requireWriter } from "../../auth/middleware.ts";
import { merchantScope } from "../../auth/principal.ts";
import { getDb } from "../../db/client.ts";
import { idPattern } from "../../db/ids.ts";
import { ok, paginated } from "../../http/envelope.ts";
import { bearerSecurity, dataResponse, errorResponses, PageQuery, pageResponse } from "../../openapi/schemas.ts";
import { visible } from "../../routes/access.ts";
import { createRouter, depsOf } from "../../routes/router.ts";
import { replayDeadLetter } from "./replay.ts";
import { DeadLetterView, deleteDeadLetter, findDeadLetter, listDeadLetters, toDeadLetterView } from "./store.ts";

/** /api/dead-letters: jobs that failed their last retry — list, replay, delete. */
export const deadLetterRoutes = createRouter();
const tags = ["Dead letters"];

const Params = z.object({
  id: z
    .string()
    .regex(idPattern("dlq"), "must be a dead-letter id like dlq_01JD3W8Z5Q6Y7X8V9T0S1R2P3N")
    .openapi({ param: { name: "id", in: "path" } }),
});

deadLetterRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List dead letters",
    security: bearerSecurity,
    request: {
      query: PageQuery.extend({
        integrationId: z.string().max(64).optional(),
        status: z.enum(["pending", "replayed"]).optional(),
      }),
    },
    responses: { 200: pageResponse(DeadLetterView, "Newest first"), ...errorResponses(400, 401, 403, 500) },
  }),
  async (c) => {
    const filter = c.req.valid("query");
    const { rows, total } = await listDeadLetters(getDb(c.env), filter, merchantScope(c.get("principal")));
    return paginated(c, rows.map(toDeadLetterView), { page: filter.page, limit: filter.limit, total });
  },
);

deadLetterRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/replay",
    tags,
    summary: "Replay a dead letter",
    description:
      "Re-queues the job; its run resumes from the page that died. 409 if replayed already or another run of its type is active.",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: Params },
    responses: { 200: dataResponse(DeadLetterView, "Replayed"), ...errorResponses(400, 401, 403, 404, 409, 500) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = getDb(c.env);
    const letter = await visible(c, "dead_letter", id, findDeadLetter(db, id));
    return ok(c, toDeadLetterView(await replayDeadLetter(c.env, db, depsOf(c).actor, letter)));
  },
);

deadLetterRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Delete a dead letter",
    security: bearerSecurity,
    middleware: [requireWriter()] as const,
    request: { params: Params },
    responses: { 200: dataResponse(DeadLetterView, "Deleted"), ...errorResponses(400, 401, 403, 404, 500) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = getDb(c.env);
    const letter = await visible(c, "dead_letter", id, findDeadLetter(db, id));
    await deleteDeadLetter(db, depsOf(c).actor, letter);
    return ok(c, toDeadLetterView(letter));
  },
);
