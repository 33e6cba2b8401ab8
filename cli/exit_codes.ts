// The terminal client's exit codes, and the one mapping from what went wrong to the code a script sees.

import { DeviceKeyStoreError, HandshakeError, KickedError, ProtocolError, TransportError } from "../core/client/mod.ts";
import { ConfigError } from "../core/config/resolve.ts";
import { PromptError } from "./prompt.ts";

/** What each exit code means, for scripts: documented in `mimi client help`. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** The server refused (its message is on stderr), or the command found nothing to act on. */
  refused: 1,
  /** Bad usage, a bad setting or file, or no password. */
  usage: 2,
  /** No connection or an insecure one: no server, the server's key changed, the handshake failed, kicked. */
  connection: 3,
} as const;

/**
 * A command line that cannot be run as typed: a missing or bad argument, a name that matches nothing or too much, a
 * file that cannot be read. Exits with {@link EXIT.usage}.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The command found nothing to act on: no friend, room, member or block of that name. Exits with
 * {@link EXIT.refused}, as when the server refuses, since the command line itself was well formed.
 */
export class NothingToActOnError extends Error {
  override readonly name = "NothingToActOnError";
}

/**
 * The exit code for an error that ended a command.
 *
 * @param error What was thrown.
 * @returns 1 for the server's refusal (`ProtocolError`), 2 for usage, configuration and password input, 3 for a
 *   failed or insecure connection, 130 after Ctrl-C at a password prompt; 1 for anything else.
 *
 * @example
 * ```ts
 * import { exitCodeFor, UsageError } from "./exit_codes.ts";
 * exitCodeFor(new UsageError("history takes one conversation")); // 2
 * ```
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ProtocolError || error instanceof NothingToActOnError) return EXIT.refused;
  if (error instanceof PromptError) return error.exitCode;
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof DeviceKeyStoreError) {
    return EXIT.usage;
  }
  if (error instanceof HandshakeError || error instanceof TransportError || error instanceof KickedError) {
    return EXIT.connection;
  }
  // The connection's own failures can surface wrapped, e.g. a refused TCP connect inside a transport error.
  if (error instanceof Deno.errors.ConnectionRefused || error instanceof Deno.errors.ConnectionReset) {
    return EXIT.connection;
  }
  return EXIT.refused;
}
