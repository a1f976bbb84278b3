import { Hono } from "hono";
import { z } from "zod";
import type { SimEnv } from "../index.ts";
import { invalid, issuesOf, jsonBody } from "./admin.ts";
import { createItem, exists, itemCard, itemCode, itemRefs, refOfCode } from "./catalogue.ts";
import { erpNow, parseTime } from "./clock.ts";
import type { Ctx } from "./http.ts";
import { pricesOf } from "./prices.ts";
import { changed, type Tenant, tenant } from "./state.ts";
import { onHand } from "./stock.ts";

/**
 * `/logo/{tenant}/__sim/...` controls that change the catalogue, and the truth about an item.
 * `at` is ERP-local time `YYYY-MM-DDTHH:MM:SS` (Turkey, UTC+3), default now.
 */
export const adminItemsApp = new Hono<{ Bindings: SimEnv }>();

const At = z.string().refine((s) => parseTime(s) !== undefined, "a time written YYYY-MM-DDTHH:MM:SS");
const Codes = z.array(z.string()).min(1);
const TouchBody = z
  .object({ codes: z.array(z.string()).optional(), count: z.number().int().min(0).optional(), at: At.optional() })
  .strict();
const CreateBody = z.object({ count: z.number().int().min(1).max(100_000), at: At.optional() }).strict();
const CodesBody = z.object({ codes: Codes }).strict();

/** Renames and reprices the items (`codes`, and the first `count` by reference); they and their prices are modified at `at`. */
adminItemsApp.post("/:tenant/__sim/touch", async (c) => {
  const body = await parse(c, TouchBody);
  if (body instanceof Response) return body;
  const t = tenant(c.req.param("tenant"));
  const refs = resolve(c, t, body.codes ?? []);
  if (refs instanceof Response) return refs;
  for (const ref of itemRefs(t).slice(0, body.count ?? 0)) refs.add(ref);
  const at = body.at === undefined ? erpNow() : (parseTime(body.at) as number);
  for (const ref of refs) {
    const change = t.changes.get(ref) ?? { version: 0 };
    t.changes.set(ref, { ...change, version: change.version + 1, cardAt: at, pricesAt: at });
  }
  changed(t);
  return c.json({ touched: codesOf(refs) });
});

/** Appends items with the next references, created at `at`, never modified. */
adminItemsApp.post("/:tenant/__sim/create", async (c) => {
  const body = await parse(c, CreateBody);
  if (body instanceof Response) return body;
  const t = tenant(c.req.param("tenant"));
  const at = body.at === undefined ? erpNow() : (parseTime(body.at) as number);
  const refs = Array.from({ length: body.count }, () => createItem(t, at));
  return c.json({ created: refs.map(itemCode) });
});

/** The items vanish, with their price and stock rows. */
adminItemsApp.post("/:tenant/__sim/delete", async (c) => {
  const changedItems = await change(c, (t, ref) => t.deleted.add(ref));
  return changedItems instanceof Response ? changedItems : c.json({ deleted: changedItems });
});

/** ACTIVE 1 (passive) or 0: a change to the card, so its modified time moves to now. */
for (const [path, active] of [
  ["deactivate", 1],
  ["activate", 0],
] as const) {
  adminItemsApp.post(`/:tenant/__sim/${path}`, async (c) => {
    const changedItems = await change(c, (t, ref) => {
      t.changes.set(ref, { version: 0, ...t.changes.get(ref), active, cardAt: erpNow() });
    });
    return changedItems instanceof Response ? changedItems : c.json({ [`${path}d`]: changedItems });
  });
}

/** The truth for tests: the card as `/items` serves it, its stock, its price rows, whether it was deleted. */
adminItemsApp.get("/:tenant/__sim/items/:code", (c) => {
  const t = tenant(c.req.param("tenant"));
  const ref = Number(/^ITM-(\d{6,})$/.exec(c.req.param("code"))?.[1] ?? 0);
  const known = ref >= 1 && (ref <= t.config.items || t.created.has(ref) || t.deleted.has(ref));
  if (!known) return c.json({ error: "not_found", detail: `no item ${c.req.param("code")}` }, 404);
  return c.json({ ...itemCard(t, ref), onHand: onHand(t, ref), prices: pricesOf(t, ref), deleted: !exists(t, ref) });
});

async function parse<T>(c: Ctx, schema: z.ZodType<T>): Promise<T | Response> {
  const parsed = schema.safeParse(await jsonBody(c));
  return parsed.success ? parsed.data : invalid(c, "invalid_request", issuesOf(parsed.error));
}

/** The references of existing items with these codes, or the 400 naming those there are not. */
function resolve(c: Ctx, t: Tenant, codes: string[]): Set<number> | Response {
  const unknown = codes.filter((code) => refOfCode(t, code) === undefined);
  if (unknown.length > 0) return invalid(c, "invalid_request", `no items with the codes ${unknown.join(", ")}`);
  return new Set(codes.map((code) => refOfCode(t, code) as number));
}

async function change(c: Ctx, apply: (t: Tenant, ref: number) => void): Promise<string[] | Response> {
  const body = await parse(c, CodesBody);
  if (body instanceof Response) return body;
  const t = tenant(c.req.param("tenant") ?? "");
  const refs = resolve(c, t, body.codes);
  if (refs instanceof Response) return refs;
  for (const ref of refs) apply(t, ref);
  changed(t);
  return codesOf(refs);
}

const codesOf = (refs: Set<number>) => [...refs].sort((a, b) => a - b).map(itemCode);
