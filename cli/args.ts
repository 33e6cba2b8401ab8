// Picking a command's options out of its arguments: `--flag`, `--option VALUE` or `--option=VALUE`, and counts.

import { UsageError } from "./exit_codes.ts";

/**
 * Takes `option VALUE` (or `option=VALUE`) out of the arguments, e.g. `register`'s `--invite`.
 *
 * @param args The command's arguments.
 * @param option The option, e.g. `--limit`.
 * @returns The value ("" when it is missing, undefined without the option) and the other arguments.
 *
 * @example
 * ```ts
 * import { takeOption } from "./args.ts";
 * takeOption(["alice", "--limit", "5"], "--limit"); // { value: "5", rest: ["alice"] }
 * ```
 */
export function takeOption(args: string[], option: string): { value: string | undefined; rest: string[] } {
  const at = args.findIndex((arg) => arg === option || arg.startsWith(`${option}=`));
  if (at === -1) return { value: undefined, rest: args };
  const inline = args[at].startsWith(`${option}=`);
  const value = inline ? args[at].slice(option.length + 1) : args[at + 1] ?? "";
  return { value, rest: args.toSpliced(at, inline ? 1 : 2) };
}

/**
 * Takes a flag without a value (`--json`) out of the arguments, wherever it stands.
 *
 * @returns Whether it was there, and the other arguments.
 *
 * @example
 * ```ts
 * import { takeFlag } from "./args.ts";
 * takeFlag(["contacts", "--json"], "--json"); // { present: true, rest: ["contacts"] }
 * ```
 */
export function takeFlag(args: string[], flag: string): { present: boolean; rest: string[] } {
  const rest = args.filter((arg) => arg !== flag);
  return { present: rest.length !== args.length, rest };
}

/**
 * Takes an option whose value is a whole number from 1, e.g. `--limit 20`.
 *
 * @param args The command's arguments.
 * @param option The option.
 * @param max The largest value allowed.
 * @returns The number (undefined without the option) and the other arguments.
 * @throws {UsageError} If the value is missing, not a whole number, below 1 or above `max`.
 */
export function takeCount(
  args: string[],
  option: string,
  max = Number.MAX_SAFE_INTEGER,
): { value: number | undefined; rest: string[] } {
  const { value, rest } = takeOption(args, option);
  if (value === undefined) return { value: undefined, rest };
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= max)) {
    throw new UsageError(`${option} takes a whole number from 1 to ${max}, got "${value}"`);
  }
  return { value: n, rest };
}

/**
 * Checks that no option is left among a command's arguments once its own are taken, so a typo is not taken for text.
 *
 * @param command The command, for the message.
 * @param args What is left.
 * @throws {UsageError} Naming the first unknown option.
 */
export function noOtherOptions(command: string, args: readonly string[]): void {
  const unknown = args.find((arg) => arg.startsWith("--") && arg.length > 2);
  if (unknown) throw new UsageError(`${command} has no option ${unknown}; "${command} --help" shows its usage`);
}
