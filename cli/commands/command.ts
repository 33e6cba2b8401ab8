// What every command over a signed-in connection gets: the configuration, where to print, --json and --user.

import type { ClientState, MimiConnection, UserRef } from "../../core/client/mod.ts";
import type { MimiConfig } from "../../core/config/schema.ts";
import { takeFlag, takeOption } from "../args.ts";
import type { ServerInfo } from "../connection.ts";
import { UsageError } from "../exit_codes.ts";
import type { ClientIo } from "../io.ts";

/** A command's surroundings. */
export interface CommandContext {
  config: MimiConfig;
  io: ClientIo;
  /** `--json`: print one JSON document instead of lines for people. */
  json: boolean;
  /** `--user NAME`: log in as NAME with a password instead of the remembered device. */
  user: string | undefined;
}

/** Runs one command with its own arguments (the global options taken out); returns the exit code. */
export type Command = (context: CommandContext, args: string[]) => Promise<number>;

/**
 * Takes the options every command understands, `--json` and `--user NAME`, out of its arguments.
 *
 * @param config The resolved configuration.
 * @param io Where output goes.
 * @param args The command's arguments.
 * @returns The context and the other arguments.
 * @throws {UsageError} For `--user` without a name.
 */
export function commandContext(
  config: MimiConfig,
  io: ClientIo,
  args: string[],
): { context: CommandContext; rest: string[] } {
  const json = takeFlag(args, "--json");
  const user = takeOption(json.rest, "--user");
  if (user.value === "") throw new UsageError("--user needs a username, e.g. --user alice");
  return { context: { config, io, json: json.present, user: user.value }, rest: user.rest };
}

/** Prints one JSON document. */
export function printJson(io: ClientIo, document: unknown): void {
  io.out(JSON.stringify(document, null, 2));
}

/**
 * Checks a command's positional arguments count.
 *
 * @throws {UsageError} Naming the usage and where the example is.
 */
export function expectArguments(
  command: string,
  usage: string,
  args: readonly string[],
  min: number,
  max = min,
): void {
  if (args.length >= min && args.length <= max) return;
  throw new UsageError(`usage: ${command} ${usage}; "${command} --help" shows an example`);
}

/** Who is signed in (a signed-in command's connection always is). */
export function me(connection: MimiConnection): UserRef {
  const session = connection.getSnapshot().session;
  if (session.state !== "signedIn") throw new Error("Not signed in");
  const { id, username, nickname } = session.user;
  return { id, username, nickname };
}

/** Users the state knows and the senders an answer named (PROTOCOL.md §14.2), with the signed-in user among them. */
export function knownUsers(
  state: ClientState,
  self: UserRef,
  senders: readonly UserRef[] = [],
): Record<number, UserRef> {
  return { ...state.users, ...Object.fromEntries(senders.map((user) => [user.id, user])), [self.id]: self };
}

export type { ServerInfo };
