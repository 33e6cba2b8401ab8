// The terminal client: `mimi client <command>`, over the secure channel on TCP. This file only dispatches: each
// command lives in cli/commands/, and COMMANDS in cli/usage.ts is the one list that help and dispatch read.

import type { MimiConfig } from "../core/config/schema.ts";
import { VERSION } from "../core/version.ts";
import { accountCommand } from "./commands/account.ts";
import { add } from "./commands/add.ts";
import { answerCommand } from "./commands/answer.ts";
import { type Command, commandContext } from "./commands/command.ts";
import { contacts } from "./commands/contacts.ts";
import { devices, logout } from "./commands/devices.ts";
import { fingerprint } from "./commands/fingerprint.ts";
import { block, blocked, find, removeFriend, unblock } from "./commands/friends.ts";
import { history } from "./commands/history.ts";
import { lobby } from "./commands/lobby.ts";
import { markRead } from "./commands/mark_read.ts";
import { members } from "./commands/members.ts";
import { nickname } from "./commands/nickname.ts";
import { recall } from "./commands/recall.ts";
import { requests } from "./commands/requests.ts";
import { createRoom, invite, inviteCode, join, leave, publicRooms } from "./commands/room_membership.ts";
import { deleteRoom, removeMember, rename, transfer } from "./commands/room_owner.ts";
import { rooms } from "./commands/rooms.ts";
import { saveImage } from "./commands/save_image.ts";
import { send } from "./commands/send.ts";
import { sendImage } from "./commands/send_image.ts";
import { echo, forget, listSuites, ping } from "./commands/server.ts";
import { unread } from "./commands/unread.ts";
import { takeFlag } from "./args.ts";
import { EXIT, exitCodeFor } from "./exit_codes.ts";
import { type ClientIo, oneLine, STDIO } from "./io.ts";
import { runInteractive } from "./tui/mod.ts";
import { clientUsage, type CommandName, commandUsage, unknownCommand } from "./usage.ts";

export type { ClientIo } from "./io.ts";
export { loginCommand } from "./commands/account.ts";

/** Runs one command with its arguments (the command name removed); returns the exit code. */
type Runner = (config: MimiConfig, rest: string[], io: ClientIo) => Promise<number>;

/** A command over the SDK, given `--json` and `--user` parsed. */
function signedIn(command: Command): Runner {
  return (config, rest, io) => {
    const { context, rest: args } = commandContext(config, io, rest);
    return command(context, args);
  };
}

const RUNNERS: Record<Exclude<CommandName, "help">, Runner> = {
  echo,
  ping: (config, rest, io) => noArguments("ping", rest, io) ?? ping(config, io),
  register: (config, rest, io) => accountCommand(config, "register", rest, io),
  login: (config, rest, io) => accountCommand(config, "login", rest, io),
  passwd: (config, rest, io) => accountCommand(config, "passwd", rest, io),
  nickname: signedIn(nickname),
  devices,
  logout: (config, rest, io) => noArguments("logout", rest, io) ?? logout(config, io),
  contacts: signedIn(contacts),
  requests: signedIn(requests),
  accept: signedIn(answerCommand("accept")),
  reject: signedIn(answerCommand("reject")),
  later: signedIn(answerCommand("later")),
  add: signedIn(add),
  find: signedIn(find),
  "remove-friend": signedIn(removeFriend),
  block: signedIn(block),
  unblock: signedIn(unblock),
  blocked: signedIn(blocked),
  rooms: signedIn(rooms),
  members: signedIn(members),
  "create-room": signedIn(createRoom),
  "public-rooms": signedIn(publicRooms),
  join: signedIn(join),
  invite: signedIn(invite),
  "invite-code": signedIn(inviteCode),
  leave: signedIn(leave),
  rename: signedIn(rename),
  "remove-member": signedIn(removeMember),
  transfer: signedIn(transfer),
  "delete-room": signedIn(deleteRoom),
  history: signedIn(history),
  send: signedIn(send),
  recall: signedIn(recall),
  read: signedIn(markRead),
  lobby: signedIn(lobby),
  "send-image": signedIn(sendImage),
  "save-image": signedIn(saveImage),
  unread: signedIn(unread),
  fingerprint: signedIn(fingerprint),
  suites: (config, rest, io) => {
    const json = takeFlag(rest, "--json");
    return noArguments("suites", json.rest, io) ?? listSuites(config, io, json.present);
  },
  forget,
};

/**
 * Runs one terminal-client command. Every failure ends as one line on `io.err` and an exit code, never a stack trace.
 *
 * @param config Resolved configuration (the `client` section names the server).
 * @param args Command and its arguments, e.g. `["echo", "你好"]`.
 * @param io Where results (`out`) and notices (`err`) go.
 * @returns The process exit code (`EXIT` in cli/exit_codes.ts): 0 on success, 1 when the server refused, 2 on bad
 *   usage, configuration or no password, 3 when there is no (secure) connection, 130 after Ctrl-C at a password
 *   prompt.
 */
export async function runClient(config: MimiConfig, args: string[], io: ClientIo = STDIO): Promise<number> {
  try {
    return await dispatch(config, args, io);
  } catch (error) {
    // The command line is the client's edge: whatever went wrong, the user gets one line, not a stack trace.
    io.err(`mimi client: ${oneLine(error)}`);
    return exitCodeFor(error);
  }
}

async function dispatch(config: MimiConfig, args: string[], io: ClientIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined) return await runInteractive({ config, say: io.err });
  if (command === "help" || command === "--help" || command === "-h") {
    const asksHelp = rest.includes("--help") || rest.includes("-h");
    const topic = rest.find((arg) => !arg.startsWith("-")) ?? (command === "help" && asksHelp ? "help" : undefined);
    if (topic === undefined) {
      io.out(clientUsage());
      return EXIT.ok;
    }
    const usage = commandUsage(topic);
    if (usage === undefined) {
      io.err(`mimi client: ${unknownCommand(topic)}`);
      return EXIT.usage;
    }
    io.out(usage);
    return EXIT.ok;
  }
  if (command === "--version") {
    io.out(`mimi ${VERSION}`);
    return EXIT.ok;
  }
  if (!Object.hasOwn(RUNNERS, command)) {
    io.err(`mimi client: ${unknownCommand(command)}`);
    return EXIT.usage;
  }
  // `--help` or `-h` anywhere after a command asks for its usage. The price: `echo` and `send` cannot send those
  // words, which no one needs to, while a user who adds --help to a half-typed command must never be asked for a
  // password.
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(commandUsage(command)!);
    return EXIT.ok;
  }
  return await RUNNERS[command as keyof typeof RUNNERS](config, rest, io);
}

/** Reports extra arguments to a command that takes none; `undefined` when there are none. */
function noArguments(command: CommandName, rest: string[], io: ClientIo): Promise<number> | undefined {
  if (rest.length === 0) return undefined;
  io.err(`mimi client: ${command} takes no arguments, got "${rest[0]}"; "${command} --help" shows its usage`);
  return Promise.resolve(EXIT.usage);
}
