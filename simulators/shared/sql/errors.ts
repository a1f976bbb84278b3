/**
 * An error as SQL Server reports it: its message number and text. Callers pass both on, e.g. a
 * Logo simulator answers `{ "ModelState": { "207": ["Invalid column name 'X'."] } }`.
 */
export class SqlError extends Error {
  override name = "SqlError";
  readonly number: number;

  constructor(number: number, message: string) {
    super(message);
    this.number = number;
  }
}

/** 102, or 156 when the token is a reserved word, as SQL Server words them. */
export const syntaxError = (near: string, keyword: boolean) =>
  keyword
    ? new SqlError(156, `Incorrect syntax near the keyword '${near}'.`)
    : new SqlError(102, `Incorrect syntax near '${near}'.`);

export const invalidColumn = (name: string) => new SqlError(207, `Invalid column name '${name}'.`);
export const invalidObject = (name: string) => new SqlError(208, `Invalid object name '${name}'.`);
export const ambiguousColumn = (name: string) => new SqlError(209, `Ambiguous column name '${name}'.`);
export const unboundIdentifier = (text: string) =>
  new SqlError(4104, `The multi-part identifier "${text}" could not be bound.`);

/** 8120 (select list), 8121 (HAVING) or 8127 (ORDER BY): a column neither grouped nor aggregated. */
export function notGrouped(column: string, clause: "select" | "having" | "order"): SqlError {
  const tail = "because it is not contained in either an aggregate function or the GROUP BY clause.";
  if (clause === "select") return new SqlError(8120, `Column '${column}' is invalid in the select list ${tail}`);
  if (clause === "having") return new SqlError(8121, `Column '${column}' is invalid in the HAVING clause ${tail}`);
  return new SqlError(8127, `Column "${column}" is invalid in the ORDER BY clause ${tail}`);
}
