// `register`, `login` and `passwd`: the account commands that take a password, and the login hint after register.

import { DEFAULT_CONFIG, type MimiConfig } from "../../core/config/schema.ts";
import { parseNickname, parseUsername, sortContacts } from "../../core/client/mod.ts";
import { takeOption } from "../args.ts";
import { address, deviceKeys, withConnection } from "../connection.ts";
import type { ClientIo } from "../io.ts";
import { readNewPassword, readPassword } from "../prompt.ts";

/**
 * Runs `register`, `login` or `passwd` with its arguments.
 *
 * @returns The exit code.
 */
export async function accountCommand(
  config: MimiConfig,
  command: "register" | "login" | "passwd",
  args: string[],
  io: ClientIo,
): Promise<number> {
  const { value: invite, rest: afterInvite } = command === "register"
    ? takeOption(args, "--invite")
    : { value: undefined, rest: args };
  if (invite === "") {
    io.err('mimi client: usage: register --invite CODE <user> <nickname…>; "register --help" shows an example');
    return 2;
  }
  const { remember, rest } = command === "login"
    ? takeRemember(afterInvite)
    : { remember: undefined, rest: afterInvite };
  const [name, ...nicknameWords] = rest;
  const expected = command === "register" ? rest.length >= 2 : rest.length === 1;
  if (!expected || remember === "") {
    const args = { register: " <user> <nickname…>", login: " [--remember[=NAME]] <user>", passwd: " <user>" };
    io.err(`mimi client: usage: ${command}${args[command]}; "${command} --help" shows an example`);
    return 2;
  }
  // Checked before the password is asked for, so a typo in the name does not cost the user a password prompt.
  const parsed = parseUsername(name);
  if ("error" in parsed) {
    io.err(`mimi client: ${parsed.error}, got "${name}"`);
    return 2;
  }
  const username = parsed.username;
  let nickname = "";
  if (command === "register") {
    const checked = parseNickname(nicknameWords.join(" "));
    if ("error" in checked) {
      io.err(`mimi client: ${checked.error}`);
      return 2;
    }
    nickname = checked.nickname;
  }
  let password: string;
  let fresh: string | undefined;
  if (command === "register") {
    password = await readNewPassword("Password: ", "Repeat the password: ");
  } else {
    password = await readPassword(command === "passwd" ? "Current password: " : "Password: ");
    if (command === "passwd") fresh = await readNewPassword("New password: ", "Repeat the new password: ");
  }
  // Only a login that remembers the device touches the key file, and it logs in with the password, never resuming.
  const needs = remember === undefined ? {} : { deviceKeys: deviceKeys(config), resume: false };
  return await withConnection(config, io, needs, async (connection) => {
    if (command === "register") {
      const user = await connection.register(username, nickname, password, { invite });
      io.out(`Registered ${user.username} (${user.nickname}). Log in with: ${loginCommand(config, user.username)}`);
      return;
    }
    const bundle = await connection.login(username, password, remember === undefined ? {} : { remember });
    if (command === "passwd") {
      await connection.changePassword(fresh!);
      io.out("Password changed.");
      return;
    }
    const { user } = bundle;
    io.out(`Logged in as ${user.nickname} (${user.username}).`);
    io.out(`Friends: ${bundle.friends.length === 0 ? "none yet" : ""}`);
    for (const friend of sortContacts(bundle.friends)) {
      const seen = friend.online
        ? "online"
        : friend.lastSeenAt
        ? `last seen ${new Date(friend.lastSeenAt).toLocaleString()}`
        : "offline";
      io.out(`  ${friend.nickname} (${friend.username}): ${seen}`);
    }
    for (const request of bundle.friendRequests) {
      io.out(`Friend request from ${request.from?.nickname ?? "?"} (${request.from?.username ?? "?"})`);
    }
    if (remember === undefined) return;
    if (bundle.deviceId === null) {
      io.err(`mimi client: ${address(config)} does not remember devices; the next command asks for the password again`);
      return;
    }
    io.out(
      `This machine stays signed in as "${remember}" (device ${bundle.deviceId}); ` +
        `"deno task client -- logout" signs it out.`,
    );
  });
}

/**
 * Takes `--remember` or `--remember=NAME` out of `login`'s arguments; `remember` is the device name, "" when
 * `--remember=` names none, and undefined without the option.
 */
function takeRemember(args: string[]): { remember: string | undefined; rest: string[] } {
  const at = args.findIndex((arg) => arg === "--remember" || arg.startsWith("--remember="));
  if (at === -1) return { remember: undefined, rest: args };
  const name = args[at] === "--remember" ? `Terminal on ${Deno.build.os}` : args[at].slice("--remember=".length).trim();
  return { remember: name, rest: args.toSpliced(at, 1) };
}

/** Settings of the `client` section that say where and how to connect: a hint must carry them to reach the server. */
const CONNECTION_KEYS = ["host", "tcpPort", "tls", "caFile"] as const;

/**
 * The command that logs `username` in on the server this command reached: with the connection settings that differ
 * from the defaults (given on the command line, in the environment or in config.json), so that it works as copied.
 *
 * @param config The resolved configuration this command ran with.
 * @param username Who logs in.
 * @returns The command line.
 */
export function loginCommand(config: MimiConfig, username: string): string {
  const flags = CONNECTION_KEYS.filter((key) => config.client[key] !== DEFAULT_CONFIG.client[key])
    .map((key) => ` --client.${key}=${config.client[key]}`);
  return `deno task client -- login ${username}${flags.join("")}`;
}
