import { hostsOnly, redact } from "./redact.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Fields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A logger that adds `fields` to every line (request id, integration id, ...). */
  child(fields: Fields): Logger;
}

/**
 * Structured JSON logs, one object per line, as `wrangler tail` and Workers Logs index them.
 * Fields pass through `redact` so a secret handed to a log call by mistake never reaches a line,
 * and every URL in the line is cut down to its host.
 *
 * @example createLogger("info", { requestId }).warn("token rejected", { reason: "expired" })
 */
export function createLogger(level: LogLevel, base: Fields = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const write = (lvl: LogLevel, message: string, fields?: Fields) => {
    if (LOG_LEVELS.indexOf(lvl) < threshold) return;
    // URLs keep their host only: a merchant's URL path may be a secret (see `hostsOnly`).
    const line = hostsOnly(
      JSON.stringify({
        level: lvl,
        message,
        time: new Date().toISOString(),
        ...redact({ ...base, ...fields }),
      }),
    );
    if (lvl === "error") console.error(line);
    else if (lvl === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }),
  };
}

/** Parses `LOG_LEVEL`, falling back to `info` so a typo never silences errors. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const v = value?.toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v ?? "") ? (v as LogLevel) : "info";
}
