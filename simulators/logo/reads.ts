import { SqlError } from "../shared/sql/index.ts";
import type { Permission } from "./config.ts";
import { enter } from "./gate.ts";
import { apiBase, type Ctx, message, meta, modelState, type Params } from "./http.ts";
import { envelope, listQuery, page, type Table } from "./list.ts";
import type { Tenant } from "./state.ts";

/** A list endpoint: the token and right, the parameters, then a page in the envelope. */
export async function readList(c: Ctx, t: Tenant, params: Params, permission: Permission, table: () => Table) {
  const user = await enter(c, t, permission);
  if (user instanceof Response) return user;
  const query = listQuery(params, t);
  if ("key" in query) return modelState(c, query.key, query.text);
  const records = table();
  try {
    return c.json(envelope(c, t, records.path, params, page(t, records, query, apiBase(c, t))));
  } catch (error) {
    if (error instanceof SqlError) return modelState(c, String(error.number), error.message);
    throw error;
  }
}

/**
 * One record, `GET /{resource}/{INTERNAL_REFERENCE}` (L1), with its Meta. A reference that is no
 * number fails model binding as Web API words it; a missing record is 404 (silent: chosen).
 */
export async function readOne(
  c: Ctx,
  t: Tenant,
  id: string,
  permission: Permission,
  path: string,
  find: (ref: number) => Record<string, unknown> | undefined,
) {
  const user = await enter(c, t, permission);
  if (user instanceof Response) return user;
  if (!/^\d{1,9}$/.test(id)) {
    return c.json(
      {
        Message: "The request is invalid.",
        MessageDetail: `The parameters dictionary contains a null entry for parameter 'id' of non-nullable type 'System.Int32'.`,
      },
      400,
    );
  }
  const record = find(Number(id));
  if (!record) return message(c, 404, `Kayıt bulunamadı (${path}/${id}).`);
  return c.json({ Meta: meta(`${apiBase(c, t)}/${path}/${id}`), ...record });
}
