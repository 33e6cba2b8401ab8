// Structured logging: one JSON object per line, filtered by the configured level.

/** Log levels from most to least verbose; `silent` logs nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Extra fields of a log line; values must be JSON-serialisable (bigints are written as strings). */
export type LogFields = Record<string, unknown>;

/** One emitted line, as an object, before serialisation. */
export interface LogRecord extends LogFields {
  ts: string;
  level: Exclude<LogLevel, "silent">;
  event: string;
}

/** Writes structured log lines. `event` is a short snake_case name such as `connect`. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/**
 * Creates a logger that writes one JSON object per line.
 *
 * @param level The least severe level that is written.
 * @param sink Where each record goes; defaults to stdout. Tests pass an array's push.
 * @returns The logger.
 *
 * @example
 * ```ts
 * import { createLogger } from "./log.ts";
 * const log = createLogger("info");
 * log.info("listen", { transport: "tcp", address: "127.0.0.1:8111" });
 * // {"ts":"2026-11-22T13:00:00.000Z","level":"info","event":"listen","transport":"tcp","address":"127.0.0.1:8111"}
 * ```
 */
export function createLogger(level: LogLevel, sink: (record: LogRecord) => void = writeStdout): Logger {
  const min = RANK[level];
  const emit = (lvl: Exclude<LogLevel, "silent">) => (event: string, fields?: LogFields) => {
    if (RANK[lvl] < min) return;
    sink({ ts: new Date().toISOString(), level: lvl, event, ...fields });
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

const encoder = new TextEncoder();

function writeStdout(record: LogRecord): void {
  const line = JSON.stringify(record, (_key, value) => typeof value === "bigint" ? value.toString() : value);
  const bytes = encoder.encode(line + "\n");
  // writeSync may write part of the buffer when stdout is a pipe.
  for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
}
