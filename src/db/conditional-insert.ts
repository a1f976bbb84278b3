import { getTableColumns, is, lt, SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";

/**
 * `row` as a SELECT list of literals in `table`'s column order, for `db.insert(table).select(…)`:
 * the row is written only when the SELECT yields a row, which lets one statement (and so one
 * atomic step, however many requests race) make a write conditional on other rows — "if the
 * integration still has this version", "while the merchant has fewer than N". Columns the row
 * leaves out get their declared default.
 *
 * @example db.insert(t).select(db.select(literalRow(t, row)).from(t).where(eq(t.id, id)).limit(1))
 */
export function literalRow<T extends SQLiteTable>(table: T, row: T["$inferInsert"]): Record<string, SQL.Aliased> {
  const values = row as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(getTableColumns(table)).map(([name, column]) => {
      const value = values[name] === undefined ? column.default : values[name];
      const literal =
        value === undefined || value === null ? null : is(value, SQL) ? value : column.mapToDriverValue(value);
      return [name, (is(literal, SQL) ? literal : sql`${literal}`).as(name)];
    }),
  );
}

/**
 * Inserts `row` into `table` only while fewer than `cap` rows of `table` match `where`: counted
 * and written in one statement, so that racing requests cannot pass the cap together. The
 * insert reports `meta.changes` 0 when the cap was reached.
 */
export function insertWhileFewer<T extends SQLiteTable>(
  db: Db,
  table: T,
  row: T["$inferInsert"],
  where: SQL,
  cap: number,
) {
  const tally = db
    .select({ n: sql<number>`count(*)`.as("n") })
    .from(table)
    .where(where)
    .as("tally");
  return db.insert(table).select(db.select(literalRow(table, row)).from(tally).where(lt(tally.n, cap)) as never);
}
