// The one error a server start may end with: a sentence naming the problem and the setting or path to look at.

/**
 * The server cannot start, for a reason the person running it can fix: a busy
 * port, a data directory it may not use, a locked or damaged database, an
 * unreadable key file. `main.ts` prints the message as one line and exits 2;
 * no stack trace, since nothing in it would help.
 *
 * @example
 * ```ts
 * import { StartupError } from "./startup_error.ts";
 * const error = new StartupError("Port 8080 is in use (server.httpPort)", "server.httpPort");
 * console.error(`mimi: ${error.message}`);
 * ```
 */
export class StartupError extends Error {
  override name = "StartupError";
  /** The config key the message names, when one is to blame. */
  readonly key: string | undefined;

  /**
   * @param message One sentence, naming the key or path, saying what to do when that is not obvious.
   * @param key The config key to blame, if any.
   * @param options `cause`: the error underneath.
   */
  constructor(message: string, key?: string, options?: ErrorOptions) {
    super(message, options);
    this.key = key;
  }
}

/**
 * Describes an operating-system error in a few words for a {@link StartupError}.
 *
 * @param error What the runtime threw.
 * @returns E.g. `permission denied`, `it is not a directory`.
 */
export function osReason(error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotFound) return "it does not exist";
  if (error instanceof Deno.errors.AlreadyExists) return "something else is in the way";
  if (error instanceof Deno.errors.NotADirectory) return "a part of the path is not a directory";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.NotCapable) return "Deno's permissions do not allow it";
  const message = error instanceof Error ? error.message : String(error);
  // Runtime messages end with "(os error 13)" and sometimes a path we already name: keep the first clause.
  return message.replace(/\s*\(os error \d+\).*$/s, "").replace(/:\s.*$/s, "").toLowerCase() || "unknown error";
}
