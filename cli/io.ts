// Where the terminal client's output goes: results on `out`, notices and failures on `err`; replaceable in tests.

/** Output channels of a command. */
export interface ClientIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Standard output and standard error. */
export const STDIO: ClientIo = { out: console.log, err: console.error };

/**
 * An error's message on one line, for the terminal.
 *
 * @param error Anything thrown.
 * @returns Its message with line breaks folded into spaces.
 *
 * @example
 * ```ts
 * import { oneLine } from "./io.ts";
 * oneLine(new Error("a\n  b")); // "a b"
 * ```
 */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}
