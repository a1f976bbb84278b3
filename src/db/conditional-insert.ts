import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * `row` as a SELECT list of literals in `table`'s column order, for `db.insert(table).select(…)`:
 * the row is written only when the SELECT yields a row, which lets one statement (and so one
 * atomic step, however many requests race) make a write conditional on other rows — "if the
 * integration still has this version", "while the merchant has fewer than N". Columns the row
 * leaves out get their declared default.
 *
 * @example db.insert(t).select(db.select(literalRow(t, row)).from(t).where(eq(t.merchantId, m)).having(sql`count(*) < 10`))
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
