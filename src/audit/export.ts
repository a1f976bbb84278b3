import { count } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type AuditRow, auditLog } from "../db/schema.ts";
import { type CsvColumn, toCsv } from "../http/csv.ts";
import { AppError } from "../http/errors.ts";
import { type AuditFilterFields, auditWhere, NEWEST_FIRST } from "./query.ts";

/** Most entries one export holds: an audit file must be complete, so more is refused, never cut. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const COLUMNS: CsvColumn[] = [
  "id",
  "at",
  "actor",
  "role",
  "merchantId",
  "action",
  "outcome",
  "targetType",
  "targetId",
  "requestId",
  "ip",
  "details",
  "count",
  "lastAt",
].map((key) => ({ key, header: key }));

/**
 * The audit entries `filter` selects (within `merchantScope` when not null), newest first, as
 * a CSV file (src/http/csv.ts: formulas neutralised). More than AUDIT_EXPORT_MAX_ROWS is a
 * 400 that says how many matched and how to narrow the export.
 */
export async function exportAudit(db: Db, filter: AuditFilterFields, merchantScope: string | null): Promise<string> {
  const where = auditWhere(filter, merchantScope);
  // One more than the cap tells "too many" apart from "exactly the cap" in the same read.
  const rows = await db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(...NEWEST_FIRST)
    .limit(AUDIT_EXPORT_MAX_ROWS + 1);
  if (rows.length > AUDIT_EXPORT_MAX_ROWS) {
    const [matched] = await db.select({ n: count() }).from(auditLog).where(where);
    throw AppError.validation([
      {
        field: "query",
        message: `matches ${matched?.n ?? "more"} entries, more than the ${AUDIT_EXPORT_MAX_ROWS} one export holds; narrow it with from and to (or action, outcome, targetId)`,
      },
    ]);
  }
  return toCsv(COLUMNS, rows.map(toCsvRow));
}

function toCsvRow(row: AuditRow): Record<string, unknown> {
  return { ...row, at: row.at.toISOString(), lastAt: (row.lastAt ?? row.at).toISOString() };
}
